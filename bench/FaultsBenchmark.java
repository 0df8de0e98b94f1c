// Fault benchmark: what clients of a running gateway see while its PostgreSQL hangs, and what is lost.
//
//   java bench/FaultsBenchmark.java <gateway-base-url> <api-key> <postmaster-pid>
//
// (bench/faults.sh starts a throwaway PostgreSQL and the gateway jar on it, with default settings, and runs
// this.) BENCH_WRITERS threads (8) post notes, each to its own incident, in a closed loop. After BENCH_WARMUP_S
// (5) the database is paused: SIGSTOP to the postmaster and every backend (the database hangs: connections stay
// open and nothing answers, the worst case for a client). After BENCH_PAUSE_S (20) it gets SIGCONT and the load
// runs BENCH_AFTER_S (10) more. Meanwhile /health is polled every 100 ms. Then every acknowledged (2xx) event is
// looked up in its incident's timeline. The last line is machine-readable:
//   faults store=postgresql pause_s=<n> acked=<n> acked_during_pause=<n> lost=<n> first_503_ms=<n>
//          health_down_ms=<n> health_max_ms=<n> recovery_ms=<n> answered_5xx_other_than_503=<n>

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class FaultsBenchmark {
    static final int WRITERS = intEnv("BENCH_WRITERS", 8);
    static final int WARMUP_S = intEnv("BENCH_WARMUP_S", 5);
    static final int PAUSE_S = intEnv("BENCH_PAUSE_S", 20);
    static final int AFTER_S = intEnv("BENCH_AFTER_S", 10);
    static final Pattern NEXT_AFTER = Pattern.compile("\"nextAfter\"\\s*:\\s*\"([0-9A-Z]{26})\"");
    static final Pattern EVENT_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9A-Z]{26})\"");

    static String base;
    static String key;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final long T0 = System.nanoTime();
    static volatile long pausedAt = Long.MAX_VALUE;
    static volatile long resumedAt = Long.MAX_VALUE;
    static final AtomicLong first503 = new AtomicLong(-1);
    static final AtomicLong firstOkAfterResume = new AtomicLong(-1);
    static final AtomicLong healthDown = new AtomicLong(-1);
    static final AtomicLong healthMax = new AtomicLong();
    static final AtomicInteger ackedDuringPause = new AtomicInteger();
    static final AtomicInteger other5xx = new AtomicInteger();
    static final Map<String, Set<String>> acked = new ConcurrentHashMap<>();
    static final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        base = args[0];
        key = args[1];
        long postmaster = Long.parseLong(args[2]);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String incident = "FAULT-" + (System.currentTimeMillis() % 1_000_000_000L * 100 + w);
            HttpResponse<String> declared = send("POST", "/api/v1/incidents",
                    "{\"id\":\"" + incident + "\",\"title\":\"fault bench\",\"actor\":\"bench\",\"severity\":\"sev3\"}");
            if (declared.statusCode() != 201) {
                throw new IllegalStateException("declare " + incident + ": " + declared.statusCode() + " " + declared.body());
            }
            acked.put(incident, ConcurrentHashMap.newKeySet());
            threads.add(start(() -> write(incident, running)));
        }
        threads.add(start(() -> pollHealth(running)));
        Thread.sleep(WARMUP_S * 1000L);
        signal("STOP", postmaster);
        pausedAt = now();
        System.out.printf("paused the database at %.1f s (SIGSTOP to the postmaster and its backends)%n", pausedAt / 1e3);
        Thread.sleep(PAUSE_S * 1000L);
        signal("CONT", postmaster);
        resumedAt = now();
        System.out.printf("resumed it at %.1f s%n", resumedAt / 1e3);
        Thread.sleep(AFTER_S * 1000L);
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        int total = 0;
        int lost = 0;
        for (Map.Entry<String, Set<String>> e : acked.entrySet()) {
            Set<String> stored = new HashSet<>();
            String after = "";
            while (after != null) {
                String page = send("GET", "/api/v1/incidents/" + e.getKey() + "/timeline?limit=1000" + (after.isEmpty() ? "" : "&after=" + after), null).body();
                Matcher m = EVENT_ID.matcher(page);
                while (m.find()) {
                    stored.add(m.group(1));
                }
                Matcher next = NEXT_AFTER.matcher(page);
                after = next.find() ? next.group(1) : null;
            }
            total += e.getValue().size();
            for (String id : e.getValue()) {
                if (!stored.contains(id)) {
                    lost++;
                }
            }
        }
        System.out.println("answers by status: " + new java.util.TreeMap<>(statuses));
        System.out.println();
        System.out.printf("faults store=postgresql pause_s=%d acked=%d acked_during_pause=%d lost=%d first_503_ms=%d health_down_ms=%d "
                        + "health_max_ms=%d recovery_ms=%d answered_5xx_other_than_503=%d%n", PAUSE_S, total, ackedDuringPause.get(), lost,
                first503.get(), healthDown.get(), healthMax.get(), firstOkAfterResume.get(), other5xx.get());
    }

    static void write(String incident, AtomicBoolean running) {
        int n = 0;
        while (running.get()) {
            long sent = now();
            try {
                HttpResponse<String> r = send("POST", "/api/v1/incidents/" + incident + "/events",
                        "{\"type\":\"note\",\"actor\":\"bench\",\"content\":\"note " + (n++) + "\"}");
                long at = now();
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() / 100 == 2) {
                    Matcher m = EVENT_ID.matcher(r.body());
                    if (m.find()) {
                        acked.get(incident).add(m.group(1));
                    }
                    if (sent > pausedAt && at < resumedAt) {
                        ackedDuringPause.incrementAndGet();
                    }
                    if (sent > resumedAt) {
                        firstOkAfterResume.compareAndSet(-1, at - resumedAt);
                    }
                } else if (r.statusCode() == 503) {
                    if (at > pausedAt) {
                        first503.compareAndSet(-1, at - pausedAt);
                    }
                    Thread.sleep(200); // as a client honouring Retry-After would, briefly
                } else if (r.statusCode() >= 500) {
                    other5xx.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                // a client-side timeout: counted by neither figure
            }
        }
    }

    static void pollHealth(AtomicBoolean running) {
        while (running.get()) {
            long sent = now();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                long took = now() - sent;
                healthMax.accumulateAndGet(took, Math::max);
                if (sent > pausedAt && sent < resumedAt && r.body().contains("DOWN")) {
                    healthDown.compareAndSet(-1, now() - pausedAt);
                }
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                healthMax.accumulateAndGet(now() - sent, Math::max);
            }
        }
    }

    static HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void signal(String signal, long postmaster) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(postmaster)));
        ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> cmd.add(Long.toString(p.pid())));
        new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    static long now() {
        return (System.nanoTime() - T0) / 1_000_000;
    }

    static int intEnv(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }
}
