// Soak: the gateway jar under a fixed, small webhook rate for a long time, and what its embedded H2 file does
// meanwhile (bench/README.md, "Storage per event", session 30).
//
//   java -cp target/incident-gateway.jar bench/SoakBenchmark.java <gateway jar> <requests/s> <minutes> [<work dir>]
//
// Starts the jar (-Xmx256m, default store: embedded H2 file ./data/gateway in <work dir>, a fresh temp dir unless
// given; GATEWAY_HTTP_PORT on a free port, GATEWAY_WEBHOOK_TOKEN random, GATEWAY_ROUTES_DIR an empty dir), then
// POSTs /webhooks/alertmanager at a fixed rate (open loop: a request is started every 1/rate s whether or not the
// previous ones answered, on up to 32 connections), each one firing alert with a fingerprint never used before, so
// each request declares one incident (the writer commits them one or a few at a time). Fingerprints are hashed as
// Alertmanager's are (BENCH_FINGERPRINTS=sequential: a counter, the load before session 40). Every 30 s one line:
//   soak <UTC hh:mm:ss> t_s=<s> mv_db_mb=<MB> events=<2xx so far> mb_per_min=<growth since the last line> kb_per_event=<same, per
//   2xx> rss_mb=<gateway RSS> cpu_pct=<gateway CPU over the 30 s, % of one core> late=<requests started over 1 s late or
//   waiting for a free connection (so far)> bad=<non-2xx>
// and at the end the gateway is stopped with SIGTERM, the file size after exit printed (the store is kept in the
// work dir for a look with H2's tools). BENCH_SOAK_SAMPLE_S changes the 30 s. BENCH_SOAK_DB_URL_EXTRA (e.g.
// ";RETENTION_TIME=1000") is appended to the gateway's default store URL, so one jar can be run with other H2 settings
// (an explicit setting in the URL wins over the gateway's own).
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class SoakBenchmark {
    static final int MAX_IN_FLIGHT = 32;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SoakBenchmark <gateway jar> <requests/s> <minutes> [<work dir>]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        double rate = Double.parseDouble(args[1]);
        double minutes = Double.parseDouble(args[2]);
        Path work = args.length > 3 ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("soak-");
        int sampleS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SOAK_SAMPLE_S", "30"));
        Path routes = Files.createDirectories(work.resolve("routes"));
        Path db = work.resolve("data").resolve("gateway.mv.db");
        int port = freePort();
        byte[] tb = new byte[24];
        new SecureRandom().nextBytes(tb);
        String token = HexFormat.of().formatHex(tb);

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().put("GATEWAY_HTTP_PORT", Integer.toString(port));
        pb.environment().put("GATEWAY_WEBHOOK_TOKEN", token);
        pb.environment().put("GATEWAY_ROUTES_DIR", routes.toString());
        String urlExtra = System.getenv().getOrDefault("BENCH_SOAK_DB_URL_EXTRA", "");
        if (!urlExtra.isEmpty()) {
            pb.environment().put("GATEWAY_DB_URL", "jdbc:h2:file:./data/gateway" + urlExtra);
        }
        Process gw = pb.start();
        Files.writeString(work.resolve("gateway.pid"), gw.pid() + "\n");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (gw.isAlive()) {
                gw.destroy();
            }
        }));
        System.out.printf(Locale.ROOT, "soak: gateway pid %d on port %d, work dir %s, %.1f requests/s for %.1f min%s%n",
                gw.pid(), port, work, rate, minutes, urlExtra.isEmpty() ? "" : ", store URL + " + urlExtra);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        waitHealthy(http, port, gw);

        URI uri = URI.create("http://127.0.0.1:" + port + "/webhooks/alertmanager");
        AtomicLong ok = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        AtomicLong late = new AtomicLong();
        ConcurrentHashMap<String, AtomicLong> badKinds = new ConcurrentHashMap<>();
        long fpBase = new SecureRandom().nextLong() & 0x7fff_ffff_0000_0000L;
        String startsAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        ExecutorService senders = Executors.newFixedThreadPool(MAX_IN_FLIGHT);

        long intervalNs = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        long endNs = t0 + (long) (minutes * 60e9);
        long nextSampleNs = t0 + sampleS * 1_000_000_000L;
        long[] last = {t0, size(db), 0, cpuTicks(gw.pid())};
        sample(0, db, ok.get(), bad.get(), late.get(), gw.pid(), last, t0);
        long n = 0;
        while (gw.isAlive()) {
            long due = t0 + n * intervalNs;
            if (due >= endNs) {
                break;
            }
            while (System.nanoTime() >= nextSampleNs) {
                sample((nextSampleNs - t0) / 1_000_000_000L, db, ok.get(), bad.get(), late.get(), gw.pid(), last, System.nanoTime());
                nextSampleNs += sampleS * 1_000_000_000L;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            } else if (wait < -1_000_000_000L) {
                late.incrementAndGet();
            }
            String fp = String.format("%016x", HASHED_FINGERPRINTS ? mixed(fpBase + n) : fpBase + n);
            n++;
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(fp, startsAt))).build();
            if (!inFlight.tryAcquire()) {
                late.incrementAndGet(); // all connections busy: wait for one (the rate falls behind; counted as late)
                inFlight.acquire();
            }
            senders.execute(() -> {
                try {
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 == 2) {
                        ok.incrementAndGet();
                    } else {
                        bad.incrementAndGet();
                        badKinds.computeIfAbsent("http " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                    }
                } catch (Exception e) {
                    bad.incrementAndGet();
                    badKinds.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                } finally {
                    inFlight.release();
                }
            });
        }
        senders.shutdown();
        senders.awaitTermination(60, TimeUnit.SECONDS);
        sample((System.nanoTime() - t0) / 1_000_000_000L, db, ok.get(), bad.get(), late.get(), gw.pid(), last, System.nanoTime());
        System.out.printf(Locale.ROOT, "soak: load off; sent %d, 2xx %d, other %d %s%n", n, ok.get(), bad.get(), badKinds);
        // Idle for a moment: what the file does without writes (retention time 45 s, maintenance every 0.5 s).
        long idleUntil = System.nanoTime() + 60_000_000_000L;
        while (gw.isAlive() && System.nanoTime() < idleUntil) {
            TimeUnit.SECONDS.sleep(15);
            sample((System.nanoTime() - t0) / 1_000_000_000L, db, ok.get(), bad.get(), late.get(), gw.pid(), last, System.nanoTime());
        }
        if (gw.isAlive()) {
            gw.destroy(); // SIGTERM: the gateway drains and closes the store (H2 compacts on close)
            if (!gw.waitFor(120, TimeUnit.SECONDS)) {
                System.out.println("soak: gateway still running 120 s after SIGTERM; killing it");
                gw.destroyForcibly();
            }
        }
        System.out.printf(Locale.ROOT, "soak: gateway exited (code %d); %s after exit: %.1f MB%n", gw.waitFor(), db,
                size(db) / 1e6);
        System.exit(0);
    }

    static void sample(long ts, Path db, long ok, long bad, long late, long pid, long[] last, long now) {
        long sz = size(db);
        long ticks = cpuTicks(pid);
        double dMin = (now - last[0]) / 60e9;
        long dEv = ok - last[2];
        double cpu = now > last[0] ? (ticks - last[3]) / 100.0 / ((now - last[0]) / 1e9) * 100 : 0;
        System.out.printf(Locale.ROOT,
                "soak %s t_s=%d mv_db_mb=%.1f events=%d mb_per_min=%.2f kb_per_event=%.2f rss_mb=%.0f cpu_pct=%.0f late=%d bad=%d%n",
                LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS), ts, sz / 1e6, ok,
                dMin > 0 ? (sz - last[1]) / 1e6 / dMin : 0, dEv > 0 ? (sz - last[1]) / 1e3 / dEv : 0, rssMb(pid), cpu, late, bad);
        last[0] = now;
        last[1] = sz;
        last[2] = ok;
        last[3] = ticks;
    }

    /**
     * Alertmanager's fingerprints are hashes of the labels, so a store's new keys land all over its indexes; a counter
     * puts a commit's keys on one leaf, and on H2 that hid half the cost of a new alert (bench/README.md, "Webhook
     * ingest", session 39). Hashed by default since session 40; BENCH_FINGERPRINTS=sequential gives the earlier load.
     */
    static final boolean HASHED_FINGERPRINTS = !"sequential".equals(System.getenv().getOrDefault("BENCH_FINGERPRINTS", "hashed"));

    /** SplitMix64's finalizer, as WebhookBenchmark's (this file runs as a single source file): a bijection. */
    static long mixed(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static String body(String fp, String startsAt) {
        return "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"SoakHighLatency\\\"}\",\"truncatedAlerts\":0,"
                + "\"status\":\"firing\",\"receiver\":\"incident-gateway\",\"groupLabels\":{\"alertname\":\"SoakHighLatency\"},"
                + "\"commonLabels\":{\"alertname\":\"SoakHighLatency\",\"cluster\":\"prod-eu-1\",\"severity\":\"warning\"},"
                + "\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager.monitoring.svc:9093\",\"alerts\":[{"
                + "\"status\":\"firing\",\"labels\":{\"alertname\":\"SoakHighLatency\",\"cluster\":\"prod-eu-1\","
                + "\"namespace\":\"checkout\",\"pod\":\"checkout-api-" + fp + "\",\"severity\":\"warning\"},"
                + "\"annotations\":{\"summary\":\"p99 latency above 500 ms.\",\"description\":\"checkout-api-" + fp
                + " answers slowly (p99 > 500 ms for 5 minutes).\"},\"startsAt\":\"" + startsAt + "\","
                + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prometheus.monitoring.svc:9090/graph?g0.expr=latency\","
                + "\"fingerprint\":\"" + fp + "\"}]}";
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of the process, in clock ticks (100 per second on Linux). */
    static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static double rssMb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    static void waitHealthy(HttpClient http, int port, Process gw) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gw.isAlive()) {
                throw new IllegalStateException("the gateway exited with code " + gw.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no /health 200 within 120 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
