// Outbox delivery benchmark of the Incident Gateway: the real gateway jar as a separate JVM delivering to a local
// fake of the Slack Web API that answers every call after a fixed delay (5 ms).
//
//   java -cp target/incident-gateway.jar bench/DeliveryBenchmark.java <gateway-jar>
//
// (bench/delivery.sh builds the jar and runs this.) It
//   1. starts a minimal fake Slack Web API on 127.0.0.1:<free port> (JDK HttpServer, BENCH_FAKE_THREADS = 64
//      handler threads): POST chat.postMessage and chat.update (JSON), GET conversations.history (an empty channel:
//      the sink looks for a root it already posted before posting one) and conversations.list, each answered
//      {"ok":true,...} after BENCH_FAKE_LATENCY_MS (5) ms. So every event costs the gateway two calls: declare =
//      conversations.history + root, later events = chat.update of the root + thread reply. For every message with
//      the gateway's metadata (metadata.event_payload.incident_id / event_id: the root of a declare and the reply of
//      every later event) it records the event id, the incident and the time the request arrived;
//   2. starts `java -jar <gateway-jar>` in a fresh temp working directory (embedded H2 file, the default store)
//      on a free port, with SLACK_API_URL=<fake>, SLACK_BOT_TOKEN, SLACK_CHANNEL=C0123ABCD (only the Slack sink
//      on), GATEWAY_OUTBOX_CONCURRENCY=8 and GATEWAY_OUTBOX_POLL_MS=20;
//   3. phases, each on its own incidents, each of 5 events (declare, ack, note, mitigate, resolve) appended
//      through POST /api/v1/incidents and POST /api/v1/incidents/{id}/events, the `recordedAt` of every returned
//      event (the commit time) kept:
//        warm-up  rounds of BENCH_WARMUP_INCIDENTS (100; 0 = the phase's own burst size) incidents appended in a burst,
//                 until the gateway's JIT compiler threads used less than BENCH_WARMUP_JIT_PCT (10) % of one core in
//                 two rounds in a row, at most BENCH_WARMUP_MAX_S (150) s: on 2 cores C2 otherwise takes 40-70 % of a
//                 core for the first ~25,000 deliveries (not reported; one quiet round was often a lull, the next at
//                 40 % again). After rounds of 100 incidents the 300-incident burst still had the JIT at 33 % of a core,
//                 after rounds of its own size (BENCH_WARMUP_INCIDENTS=0) at 3 %, but the paced phase then runs on a
//                 store with ~40 % more events (bench/README.md, session 42);
//        burst    BENCH_INCIDENTS (300) incidents appended as fast as BENCH_CLIENTS (16) client threads can
//                 (each thread its incidents one after the other, its events in order): the outbox fills much faster
//                 than it drains, so this measures delivery THROUGHPUT (and the latency of a backlog);
//        paced    BENCH_PACED_RATE (50) events/s for BENCH_PACED_SECONDS (20) from BENCH_PACED_CLIENTS (10) threads
//                 (open loop, fixed schedule), well below the throughput: commit->delivery LATENCY without a
//                 backlog (BENCH_PACED_SECONDS=0 skips it);
//      after each phase it waits until the fake has received every event of the phase, then checks that every
//      incident's events arrived exactly once and in order (duplicates and inversions are counted, not fatal)
//      and that GET /api/v1/outbox has no pending or dead row left;
//   4. optionally the same warm-up (at most BENCH_COMPARE_WARMUP_MAX_S = 20 s) and burst again on a new gateway with
//      GATEWAY_OUTBOX_CONCURRENCY=1 and BENCH_COMPARE_INCIDENTS (100) incidents, for comparison
//      (BENCH_COMPARE_CONCURRENCY=0 skips it).
// Figures: delivered/s = events / (last delivery - first commit); steady/s = the rate between the 10th and the
// 90th percentile delivery; after/s = the rate of the deliveries after the last commit (the backlog draining with no
// appends competing for the 2 cores); latency = arrival of the event's message at the fake - the event's recordedAt (both
// clocks are this machine's wall clock); "ans p50" adds the fake's own delay for that last call. CPU of the gateway
// (/proc/<pid>/stat), of this JVM (fake + clients) and of the machine (/proc/stat), also for the drain after the
// appends alone (gateway cpu ms per delivered event). The relay's passes are reconstructed from the calls at the fake
// (see passes()): events per pass, span, straggle (the pass waiting for its slowest delivery), gap between passes
// (claim query, bookkeeping, the idle poll), overall and by backlog.
// It prints a table and, as the last lines, machine-readable ones (the very last: the burst at concurrency 8):
//   delivery-paced store=h2 connector=slack concurrency=8 fake_latency_ms=5 rate_per_s=<n> events=<n> p50_ms=<x> p99_ms=<x> duplicates=<n> out_of_order=<n>
//   delivery store=h2 connector=slack concurrency=1 fake_latency_ms=5 events=<n> delivered_per_s=<n> ceiling_per_s=<n> of_ceiling=<x> p50_ms=<x> p99_ms=<x> duplicates=<n> out_of_order=<n>
//   delivery store=h2 connector=slack concurrency=8 fake_latency_ms=5 events=<n> delivered_per_s=<n> ceiling_per_s=<n> of_ceiling=<x> p50_ms=<x> p99_ms=<x> duplicates=<n> out_of_order=<n>
// (ceiling_per_s = concurrency / the fake's measured time per event, i.e. every slot always busy at the fake;
// of_ceiling = delivered_per_s / ceiling_per_s = mean calls open at the fake / concurrency)
// Other knobs: BENCH_CONCURRENCY (8), BENCH_POLL_MS (20), BENCH_TIMEOUT_S (180, per phase), BENCH_GATEWAY_DB_URL (the
// gateways' GATEWAY_DB_URL, e.g. jdbc:h2:file:./data/gateway;COMPRESS=FALSE to compare H2 settings; default: unset).

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

public class DeliveryBenchmark {
    static final int CONCURRENCY = intEnv("BENCH_CONCURRENCY", 8);
    static final int POLL_MS = intEnv("BENCH_POLL_MS", 20);
    static final int FAKE_LATENCY_MS = intEnv("BENCH_FAKE_LATENCY_MS", 5);
    static final int FAKE_THREADS = intEnv("BENCH_FAKE_THREADS", 64);
    static final int WARMUP_JIT_PCT = intEnv("BENCH_WARMUP_JIT_PCT", 10);
    static final int WARMUP_MAX_S = intEnv("BENCH_WARMUP_MAX_S", 150);
    static final int COMPARE_WARMUP_MAX_S = intEnv("BENCH_COMPARE_WARMUP_MAX_S", 20);
    static final int INCIDENTS = intEnv("BENCH_INCIDENTS", 300);
    /** 0: each gateway warms up with rounds the size of its own measured burst (BENCH_INCIDENTS, BENCH_COMPARE_INCIDENTS). */
    static final int WARMUP_INCIDENTS = intEnv("BENCH_WARMUP_INCIDENTS", 100);
    static final int CLIENTS = intEnv("BENCH_CLIENTS", 16);
    static final int PACED_RATE = intEnv("BENCH_PACED_RATE", 50);
    static final int PACED_SECONDS = intEnv("BENCH_PACED_SECONDS", 20);
    static final int PACED_CLIENTS = intEnv("BENCH_PACED_CLIENTS", 10);
    static final int COMPARE_CONCURRENCY = intEnv("BENCH_COMPARE_CONCURRENCY", 1);
    static final int COMPARE_INCIDENTS = intEnv("BENCH_COMPARE_INCIDENTS", 100);
    static final int TIMEOUT_S = intEnv("BENCH_TIMEOUT_S", 180);
    static final int CORES = Runtime.getRuntime().availableProcessors();
    static final String CHANNEL_ID = "C0123ABCD";
    /** The events of every benchmark incident, in this order (each allowed after the previous one). */
    static final List<String> LIFECYCLE = List.of("declare", "ack", "note", "mitigate", "resolve");
    static final ObjectMapper JSON = new ObjectMapper();

    /** One event the benchmark appended: its commit time (recordedAt) and when the 201 arrived. */
    record Sent(String eventId, String incidentId, long seq, String type, Instant recordedAt, Instant ackedAt, Instant declaredAt) {
    }

    /** One measured phase. Latencies in microseconds, sorted. */
    record Phase(String name, int concurrency, int incidents, int events, double appendSeconds, double drainSeconds,
                 double steadyRate, double afterAppendRate, double[] afterCpu, Map<String, Double> afterThreads,
                 long[] latencyMicros, long[] answeredMicros, int duplicates, int outOfOrder, int missing,
                 int extraUpdates, long calls, double meanInFlight, double gatewayCpu, double benchCpu, double machineCpu,
                 int pacedRate, Passes passes) {
        double deliveredPerSecond() { return events / drainSeconds; }
        double appendRate() { return events / appendSeconds; }
        double percentileMs(long[] sorted, double p) {
            if (sorted.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
        }
        double p(double pct) { return percentileMs(latencyMicros, pct); }
        double answered(double pct) { return percentileMs(answeredMicros, pct); }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java -cp <gateway-jar> bench/DeliveryBenchmark.java <gateway-jar>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        // The JDK HTTP server writes the response headers and the body separately; without TCP_NODELAY, Nagle holds the
        // body back until the client's delayed ACK (~40 ms) arrives, which would swamp the 5 ms the fake should take.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.out.printf(Locale.ROOT, "Delivery benchmark: %d cores, Java %s, %s %s; fake Slack latency %d ms per call; relay "
                        + "concurrency %d, poll %d ms; incidents of %d events (%s)%n",
                CORES, System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"),
                FAKE_LATENCY_MS, CONCURRENCY, POLL_MS, LIFECYCLE.size(), String.join(", ", LIFECYCLE));

        List<Phase> phases = new ArrayList<>();
        boolean failed = false;
        try (FakeSlack fake = new FakeSlack(FAKE_LATENCY_MS, FAKE_THREADS)) {
            System.out.println("fake Slack Web API: " + fake.baseUrl());
            try {
                phases.addAll(runGateway(jar, fake, CONCURRENCY, INCIDENTS, PACED_SECONDS > 0 && PACED_RATE > 0, WARMUP_MAX_S));
            } catch (Exception e) {
                failed = true;
                System.err.println("run at concurrency " + CONCURRENCY + " failed: " + e);
                e.printStackTrace();
            }
            if (COMPARE_CONCURRENCY > 0 && COMPARE_CONCURRENCY != CONCURRENCY) {
                try {
                    phases.addAll(runGateway(jar, fake, COMPARE_CONCURRENCY, COMPARE_INCIDENTS, false, COMPARE_WARMUP_MAX_S));
                } catch (Exception e) {
                    failed = true;
                    System.err.println("run at concurrency " + COMPARE_CONCURRENCY + " failed: " + e);
                    e.printStackTrace();
                }
            }
        }

        printTable(phases);
        System.out.flush();
        Phase headline = null;
        for (Phase p : phases) {
            if (p.name().equals("paced")) {
                System.out.printf(Locale.ROOT, "delivery-paced store=h2 connector=slack concurrency=%d fake_latency_ms=%d rate_per_s=%d "
                                + "events=%d p50_ms=%.1f p99_ms=%.1f duplicates=%d out_of_order=%d%n", p.concurrency(), FAKE_LATENCY_MS,
                        p.pacedRate(), p.events(), p.p(50), p.p(99), p.duplicates(), p.outOfOrder());
            }
        }
        for (Phase p : phases) {
            if (p.name().equals("burst") && p.concurrency() != CONCURRENCY) {
                System.out.println(line(p));
            }
        }
        for (Phase p : phases) {
            if (p.name().equals("burst") && p.concurrency() == CONCURRENCY) {
                headline = p;
            }
        }
        if (headline != null) {
            System.out.println(line(headline));
        } else {
            failed = true;
        }
        System.out.flush();
        System.exit(failed ? 1 : 0);
    }

    static String line(Phase p) {
        // The ceiling: `concurrency` deliveries open at the fake all the time, each taking the fake's measured time per
        // event (calls x its delay); so the share of it reached = mean calls open at the fake / concurrency.
        double ceiling = p.meanInFlight() > 0 ? p.deliveredPerSecond() * p.concurrency() / p.meanInFlight() : Double.NaN;
        return String.format(Locale.ROOT, "delivery store=h2 connector=slack concurrency=%d fake_latency_ms=%d events=%d delivered_per_s=%d "
                        + "ceiling_per_s=%d of_ceiling=%.2f p50_ms=%.1f p99_ms=%.1f duplicates=%d out_of_order=%d", p.concurrency(),
                FAKE_LATENCY_MS, p.events(), Math.round(p.deliveredPerSecond()), Math.round(ceiling),
                p.deliveredPerSecond() / ceiling, p.p(50), p.p(99), p.duplicates(), p.outOfOrder());
    }

    // ---------------------------------------------------------------- one gateway run

    static List<Phase> runGateway(Path jar, FakeSlack fake, int concurrency, int incidents, boolean paced, int warmupMaxSeconds)
            throws Exception {
        Path work = Files.createTempDirectory("delivery-bench-c" + concurrency + "-");
        Path log = work.resolve("gateway.log");
        int port = freePort();
        byte[] tokenBytes = new byte[16];
        new SecureRandom().nextBytes(tokenBytes);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_WEBHOOK_TOKEN", HexFormat.of().formatHex(tokenBytes));
        env.put("GATEWAY_OUTBOX_CONCURRENCY", Integer.toString(concurrency));
        env.put("GATEWAY_OUTBOX_POLL_MS", Integer.toString(POLL_MS));
        env.put("SLACK_API_URL", fake.baseUrl());
        env.put("SLACK_BOT_TOKEN", FakeSlack.TOKEN);
        env.put("SLACK_CHANNEL", CHANNEL_ID);
        String dbUrl = System.getenv("BENCH_GATEWAY_DB_URL"); // e.g. H2 settings to compare (the default URL otherwise)
        if (dbUrl != null && !dbUrl.isBlank()) {
            env.put("GATEWAY_DB_URL", dbUrl);
        }
        System.out.printf(Locale.ROOT, "%n== concurrency %d: gateway on port %d, working dir %s, store: embedded H2 (default URL)%n",
                concurrency, port, work);
        String prefix = "C" + concurrency;
        Process gateway = null;
        List<Phase> out = new ArrayList<>();
        try {
            String key = createApiKey(jar, work, env);
            gateway = startJava(jar, work, env, log, List.of("-Xms256m", "-Xmx512m"));
            recordPid(gateway.pid());
            final Process gw = gateway;
            Runtime.getRuntime().addShutdownHook(new Thread(gw::destroyForcibly));
            waitHealthy(gateway, port);
            Api api = new Api(port, key);

            // Warm-up: bursts of WARMUP_INCIDENTS incidents until the JIT compilers have (nearly) stopped, i.e. used less
            // than WARMUP_JIT_PCT % of one core during the last burst, or for at most warmupMaxSeconds. On 2 cores
            // the C1/C2 compiler threads otherwise take a large share of the CPU for the first thousands of deliveries.
            long warmStart = System.nanoTime();
            StringBuilder rates = new StringBuilder();
            StringBuilder jits = new StringBuilder();
            int warmEvents = 0;
            int quietRounds = 0;
            for (int round = 1; ; round++) {
                long t0 = System.nanoTime();
                Map<String, Long> jit0 = threadTicks(gateway.pid());
                String p = prefix + "W" + round;
                Phase warm = runPhase("warm-up " + round, p, concurrency, api, fake, gateway.pid(),
                        () -> appendBurst(api, p, WARMUP_INCIDENTS > 0 ? WARMUP_INCIDENTS : incidents, CLIENTS), 0);
                double jit = (threadTicks(gateway.pid()).getOrDefault("jit", 0L) - jit0.getOrDefault("jit", 0L))
                        / (double) clockTicks() / ((System.nanoTime() - t0) / 1e9);
                warmEvents += warm.events();
                rates.append(' ').append(f0(warm.deliveredPerSecond()));
                jits.append(' ').append(f0(jit * 100));
                quietRounds = jit * 100 < WARMUP_JIT_PCT ? quietRounds + 1 : 0;
                if (quietRounds == 2 || System.nanoTime() - warmStart > TimeUnit.SECONDS.toNanos(warmupMaxSeconds)) {
                    System.out.printf(Locale.ROOT, "   warm-up: %d round(s), %d events in %.0f s (%s)%n      delivered/s per round:%s%n"
                                    + "      JIT compilers, %% of one core, per round:%s%n", round, warmEvents,
                            (System.nanoTime() - warmStart) / 1e9, quietRounds == 2 ? "JIT below " + WARMUP_JIT_PCT + " % twice"
                                    : "time limit reached", rates, jits);
                    break;
                }
            }
            out.add(report(runPhase("burst", prefix + "B", concurrency, api, fake, gateway.pid(),
                    () -> appendBurst(api, prefix + "B", incidents, CLIENTS), 0)));
            if (paced) {
                out.add(report(runPhase("paced", prefix + "P", concurrency, api, fake, gateway.pid(),
                        () -> appendPaced(api, prefix + "P", PACED_RATE, PACED_SECONDS, PACED_CLIENTS), PACED_RATE)));
            }
            String left = api.outboxLeft();
            System.out.println("   outbox after the run: " + left);
            return out;
        } catch (Exception e) {
            System.err.println("gateway log (last lines of " + log + "):");
            tail(log, 40);
            throw e;
        } finally {
            if (gateway != null) {
                gateway.destroy();
                if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                    gateway.waitFor(20, TimeUnit.SECONDS);
                }
            }
            deleteTree(work);
        }
    }

    interface Appender {
        List<Sent> append() throws Exception;
    }

    /**
     * Appends a phase's events, waits until the fake has received every one, then measures: throughput, latency,
     * duplicates and order, calls at the fake, CPU.
     */
    static Phase runPhase(String name, String prefix, int concurrency, Api api, FakeSlack fake, long gatewayPid, Appender appender,
                          int pacedRate) throws Exception {
        long cpuGw0 = processTicks(gatewayPid);
        long cpuBench0 = benchCpuNanos();
        long[] machine0 = machineTicks();
        long wall0 = System.nanoTime();
        List<Sent> sent = appender.append();
        long appendedNanos = System.nanoTime();
        long cpuGwA = processTicks(gatewayPid);
        Map<String, Long> threadsA = threadTicks(gatewayPid);
        long cpuBenchA = benchCpuNanos();
        long[] machineA = machineTicks();
        Map<String, Sent> byId = new HashMap<>();
        for (Sent s : sent) byId.put(s.eventId(), s);

        // Wait until every event of the phase has reached the fake.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        AtomicInteger arrived = fake.firstArrivals.computeIfAbsent(prefix, k -> new AtomicInteger());
        while (System.nanoTime() < deadline && arrived.get() < sent.size()) {
            Thread.sleep(2);
        }
        int received = 0;
        for (Sent s : sent) {
            if (fake.received.containsKey(s.eventId())) received++;
        }
        long wall1 = System.nanoTime();
        long cpuGw1 = processTicks(gatewayPid);
        Map<String, Long> threads1 = threadTicks(gatewayPid);
        long cpuBench1 = benchCpuNanos();
        long[] machine1 = machineTicks();
        if (received < sent.size()) {
            System.out.printf(Locale.ROOT, "   %s: only %d of %d events reached the fake within %d s; outbox: %s%n", name, received,
                    sent.size(), TIMEOUT_S, api.outboxLeft());
        }
        // The relay marks a row delivered after the fake's answer: wait for the outbox to show no pending row,
        // and a moment more for any late duplicate.
        for (int i = 0; i < 100 && !api.outboxLeft().startsWith("0 pending"); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(300);

        // Per event: first arrival = its delivery. Per incident: arrivals in order, each event once.
        Instant firstCommit = sent.stream().map(Sent::recordedAt).min(Comparator.naturalOrder()).orElseThrow();
        List<Instant> deliveries = new ArrayList<>();
        List<Long> lat = new ArrayList<>();
        List<Long> ans = new ArrayList<>();
        int missing = 0;
        for (Sent s : sent) {
            List<FakeSlack.Arrival> arrivals = fake.received.get(s.eventId());
            if (arrivals == null || arrivals.isEmpty()) {
                missing++;
                continue;
            }
            FakeSlack.Arrival first;
            synchronized (arrivals) {
                first = arrivals.stream().min(Comparator.comparingLong(FakeSlack.Arrival::order)).orElseThrow();
            }
            deliveries.add(first.at());
            lat.add(micros(s.recordedAt(), first.at()));
            ans.add(micros(s.recordedAt(), first.at()) + first.serviceNanos() / 1000);
        }
        int duplicates = 0;
        int outOfOrder = 0;
        int extraUpdates = 0;
        Map<String, List<Sent>> byIncident = new LinkedHashMap<>();
        for (Sent s : sent) byIncident.computeIfAbsent(s.incidentId(), k -> new ArrayList<>()).add(s);
        for (var e : byIncident.entrySet()) {
            List<FakeSlack.Arrival> arrivals = new ArrayList<>();
            for (Sent s : e.getValue()) {
                List<FakeSlack.Arrival> a = fake.received.get(s.eventId());
                if (a != null) {
                    synchronized (a) {
                        arrivals.addAll(a);
                    }
                }
            }
            arrivals.sort(Comparator.comparingLong(FakeSlack.Arrival::order));
            long maxSeq = 0;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (FakeSlack.Arrival a : arrivals) {
                long seq = byId.get(a.eventId()).seq();
                if (!seen.add(a.eventId())) duplicates++;
                if (seq < maxSeq) outOfOrder++;
                maxSeq = Math.max(maxSeq, seq);
            }
            // Each event after the declare updates the root once (a retried delivery may repeat it: harmless, counted).
            int updates = fake.updates.getOrDefault(e.getKey(), new AtomicInteger()).get();
            extraUpdates += Math.max(0, updates - (e.getValue().size() - 1));
        }
        Collections.sort(deliveries);
        double drain = deliveries.isEmpty() ? Double.NaN : micros(firstCommit, deliveries.get(deliveries.size() - 1)) / 1e6;
        double steady = Double.NaN;
        if (deliveries.size() >= 20) {
            int i10 = (int) (0.1 * deliveries.size()), i90 = (int) (0.9 * deliveries.size()) - 1;
            steady = (i90 - i10) / (micros(deliveries.get(i10), deliveries.get(i90)) / 1e6);
        }
        // Calls the fake served for this phase's incidents, and how many were in flight on average while it drained.
        long calls = 0;
        long busyNanos = 0;
        for (List<FakeSlack.Call> l : phaseCalls(fake, prefix, sent).values()) {
            for (FakeSlack.Call c : l) {
                calls++;
                busyNanos += c.serviceNanos();
            }
        }
        Instant lastCommit = sent.stream().map(Sent::recordedAt).max(Comparator.naturalOrder()).orElseThrow();
        double appendSeconds = Math.max(1e-6, micros(firstCommit, lastCommit) / 1e6);
        double wall = (wall1 - wall0) / 1e9;
        long[] latArr = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] ansArr = ans.stream().mapToLong(Long::longValue).sorted().toArray();
        double gwCpu = (cpuGw1 - cpuGw0) / (double) clockTicks() / (wall * CORES);
        double benchCpu = (cpuBench1 - cpuBench0) / 1e9 / (wall * CORES);
        double machineCpu = machine1[1] == machine0[1] ? Double.NaN
                : (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1]);
        if (missing > 0) {
            throw new IllegalStateException(name + ": " + missing + " of " + sent.size() + " events never reached the fake");
        }
        if (!name.startsWith("warm-up")) {
            System.out.printf(Locale.ROOT, "   %s: appended %d events of %d incidents in %.2f s (%.0f/s; %.1f s wall incl. waiting)%n",
                    name, sent.size(), byIncident.size(), (appendedNanos - wall0) / 1e9, sent.size() / ((appendedNanos - wall0) / 1e9),
                    wall);
        }
        // Deliveries after the last commit: the relay draining the backlog with no appends competing for the CPU.
        double afterAppend = Double.NaN;
        List<Instant> after = deliveries.stream().filter(d -> d.isAfter(lastCommit)).toList();
        if (after.size() >= 20) {
            afterAppend = after.size() / (micros(lastCommit, after.get(after.size() - 1)) / 1e6);
        }
        // CPU while the backlog drained with no appends: gateway ms per delivered event, shares of the machine.
        long deliveredAfter = deliveries.stream().filter(d -> fake.nanos(d) > appendedNanos).count();
        double afterWall = (wall1 - appendedNanos) / 1e9;
        double[] afterCpu = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        if (deliveredAfter >= 20) {
            afterCpu = new double[]{(cpuGw1 - cpuGwA) * 1000.0 / clockTicks() / deliveredAfter,
                    (cpuGw1 - cpuGwA) / (double) clockTicks() / (afterWall * CORES), (cpuBench1 - cpuBenchA) / 1e9 / (afterWall * CORES),
                    machine1[1] == machineA[1] ? Double.NaN : (double) (machine1[0] - machineA[0]) / (machine1[1] - machineA[1])};
        }
        // The gateway's CPU in that window by thread group, in % of one core.
        Map<String, Double> afterThreads = new LinkedHashMap<>();
        for (String g : THREAD_GROUPS) {
            long d = threads1.getOrDefault(g, 0L) - threadsA.getOrDefault(g, 0L);
            afterThreads.put(g, d / (double) clockTicks() / afterWall);
        }
        return new Phase(name, concurrency, byIncident.size(), sent.size(), appendSeconds, drain, steady, afterAppend, afterCpu,
                afterThreads, latArr, ansArr, duplicates,
                outOfOrder, missing, extraUpdates, calls, busyNanos / 1e9 / drain, gwCpu, benchCpu, machineCpu, pacedRate,
                passes(fake, prefix, sent));
    }

    /**
     * The relay's passes, reconstructed from the calls at the fake. A delivery is the calls of one event (chat.update +
     * thread reply; for a declare, conversations.history + the root): it starts when its first call arrives and ends when its last call is
     * answered. A pass claims up to `concurrency` rows and waits for all of them, so the next pass's deliveries start only
     * after every delivery of the previous one has ended: a delivery that starts after all earlier ones have ended opens
     * a new pass. Per pass: deliveries, span (first start to last end), straggle (first end to last end: the pass waiting
     * for its slowest delivery), gap to the next pass (claim, bookkeeping, the poll when idle); per delivery: the time
     * the gateway spends between its two calls. The same figures also by backlog (events committed and not yet
     * delivered when the pass started), for the passes after the phase's last commit (no appends competing).
     */
    record Passes(int count, double deliveriesPerPass, double spanMs, double straggleMs, double gapMs, double gapP50Ms,
                  double betweenCallsMs, double cycleMs, Map<String, Passes> byBacklog) {
        double impliedRate() { return deliveriesPerPass / cycleMs * 1000; }
    }

    static final int[] BACKLOG_BUCKETS = {1000, 300, 100, 30, 0};

    /**
     * The calls at the fake for a phase's incidents, by incident, in arrival order. chat.postMessage carries the incident
     * in its metadata, chat.update names its root's ts; conversations.history (the lookup before a root is posted) names
     * only `oldest` = the incident's declaredAt - 10 min, which several incidents of one group commit share: those
     * lookups are handed to those incidents' roots in arrival order.
     */
    static Map<String, List<FakeSlack.Call>> phaseCalls(FakeSlack fake, String prefix, List<Sent> sent) {
        Map<String, List<FakeSlack.Call>> byIncident = new HashMap<>();
        Map<String, List<FakeSlack.Call>> lookups = new HashMap<>();
        Map<String, List<String>> incidentsByKey = new HashMap<>();
        for (Sent x : sent) {
            if (x.declaredAt() != null) {
                incidentsByKey.computeIfAbsent(historyKey(x.declaredAt()), k -> new ArrayList<>()).add(x.incidentId());
            }
        }
        for (FakeSlack.Call c : fake.calls) {
            if (c.incidentId() != null && c.incidentId().startsWith(prefix + "-")) {
                byIncident.computeIfAbsent(c.incidentId(), k -> new ArrayList<>()).add(c);
            } else if (c.key() != null && incidentsByKey.containsKey(c.key())) {
                lookups.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            }
        }
        lookups.forEach((key, calls) -> {
            calls.sort(Comparator.comparingLong(FakeSlack.Call::startNanos));
            List<String> incidents = new ArrayList<>(incidentsByKey.get(key));
            incidents.sort(Comparator.comparingLong(id -> byIncident.getOrDefault(id, List.of()).stream()
                    .filter(c -> !c.reply() && c.eventId() != null).mapToLong(FakeSlack.Call::startNanos).min().orElse(Long.MAX_VALUE)));
            for (int i = 0; i < calls.size(); i++) {
                byIncident.computeIfAbsent(incidents.get(Math.min(i, incidents.size() - 1)), k -> new ArrayList<>()).add(calls.get(i));
            }
        });
        byIncident.values().forEach(l -> l.sort(Comparator.comparingLong(FakeSlack.Call::startNanos)));
        return byIncident;
    }

    /** The `oldest` the Slack sink passes to conversations.history for an incident declared at {@code declaredAt}. */
    static String historyKey(Instant declaredAt) {
        Instant t = declaredAt.minus(Duration.ofMinutes(10));
        return String.format(Locale.ROOT, "%d.%06d", t.getEpochSecond(), t.getNano() / 1000);
    }

    static Passes passes(FakeSlack fake, String prefix, List<Sent> sent) {
        Map<String, List<FakeSlack.Call>> byIncident = phaseCalls(fake, prefix, sent);
        List<long[]> deliveries = new ArrayList<>(); // {start, end, betweenCalls or -1}
        for (List<FakeSlack.Call> calls : byIncident.values()) {
            FakeSlack.Call pendingUpdate = null;
            for (FakeSlack.Call c : calls) {
                if (c.method().equals("chat.update") || c.method().equals("conversations.history")) {
                    pendingUpdate = c;
                } else if (c.eventId() != null) {
                    if (pendingUpdate != null) {
                        deliveries.add(new long[]{pendingUpdate.startNanos(), c.endNanos(), c.startNanos() - pendingUpdate.endNanos()});
                    } else {
                        deliveries.add(new long[]{c.startNanos(), c.endNanos(), -1});
                    }
                    pendingUpdate = null;
                }
            }
        }
        deliveries.sort(Comparator.comparingLong(d -> d[0]));
        List<long[]> passes = new ArrayList<>(); // {firstStart, firstEnd, lastEnd, deliveries, betweenSum, betweenCount, gapToNext}
        long[] cur = null;
        for (long[] d : deliveries) {
            if (cur == null || d[0] > cur[2]) {
                cur = new long[]{d[0], d[1], d[1], 0, 0, 0, -1};
                passes.add(cur);
            }
            cur[1] = Math.min(cur[1], d[1]);
            cur[2] = Math.max(cur[2], d[1]);
            cur[3]++;
            if (d[2] >= 0) {
                cur[4] += d[2];
                cur[5]++;
            }
        }
        for (int i = 0; i + 1 < passes.size(); i++) {
            passes.get(i)[6] = passes.get(i + 1)[0] - passes.get(i)[2];
        }
        Map<String, Passes> buckets = new LinkedHashMap<>();
        if (!sent.isEmpty()) {
            // Backlog at a pass's start: events committed by then minus events whose message had arrived by then.
            long[] commits = sent.stream().mapToLong(x -> fake.nanos(x.recordedAt())).sorted().toArray();
            long[] delivered = sent.stream().map(x -> fake.received.get(x.eventId())).filter(a -> a != null && !a.isEmpty())
                    .mapToLong(a -> {
                        synchronized (a) {
                            return a.stream().mapToLong(FakeSlack.Arrival::startNanos).min().orElse(Long.MAX_VALUE);
                        }
                    }).sorted().toArray();
            long lastCommit = commits[commits.length - 1];
            Map<Integer, List<long[]>> grouped = new LinkedHashMap<>();
            for (int b : BACKLOG_BUCKETS) grouped.put(b, new ArrayList<>());
            for (long[] p : passes) {
                if (p[0] <= lastCommit) continue;
                int backlog = upTo(commits, p[0]) - upTo(delivered, p[0] - 1);
                for (int b : BACKLOG_BUCKETS) {
                    if (backlog >= b) {
                        grouped.get(b).add(p);
                        break;
                    }
                }
            }
            for (int i = 0; i < BACKLOG_BUCKETS.length; i++) {
                int b = BACKLOG_BUCKETS[i];
                String label = i == 0 ? ">=" + b : b + "-" + (BACKLOG_BUCKETS[i - 1] - 1);
                if (grouped.get(b).size() >= 3) buckets.put(label, summary(grouped.get(b), Map.of()));
            }
        }
        return summary(passes, buckets);
    }

    /** How many of the sorted values are <= limit. */
    static int upTo(long[] sorted, long limit) {
        int i = Arrays.binarySearch(sorted, limit);
        if (i < 0) return -i - 1;
        while (i + 1 < sorted.length && sorted[i + 1] == limit) i++;
        return i + 1;
    }

    static Passes summary(List<long[]> passes, Map<String, Passes> buckets) {
        int n = passes.size();
        if (n == 0) return new Passes(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, buckets);
        double span = 0, straggle = 0, between = 0, deliveries = 0;
        long betweenCount = 0;
        List<Long> gaps = new ArrayList<>();
        for (long[] p : passes) {
            span += p[2] - p[0];
            straggle += p[2] - p[1];
            deliveries += p[3];
            between += p[4];
            betweenCount += p[5];
            if (p[6] >= 0) gaps.add(p[6]);
        }
        Collections.sort(gaps);
        double gapMean = gaps.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
        double gapP50 = gaps.isEmpty() ? Double.NaN : gaps.get(gaps.size() / 2) / 1e6;
        // Cycle: pass start to next pass start = span + gap.
        double cycle = span / n / 1e6 + gapMean;
        return new Passes(n, deliveries / n, span / n / 1e6, straggle / n / 1e6, gapMean, gapP50,
                betweenCount == 0 ? Double.NaN : between / betweenCount / 1e6, cycle, buckets);
    }

    static Phase report(Phase p) {
        System.out.printf(Locale.ROOT, "   %-8s c=%d %5d events: %6.0f delivered/s (steady %s/s, after the appends %s/s), "
                        + "commit->delivery p50 %7.1f ms p99 %7.1f ms max %7.1f ms; duplicates %d, out of order %d, extra chat.update %d; "
                        + "%.2f calls/event, %.1f in flight; cpu: gateway %.0f%% bench %.0f%% machine %.0f%%%n",
                p.name(), p.concurrency(), p.events(), p.deliveredPerSecond(), f0(p.steadyRate()), f0(p.afterAppendRate()), p.p(50),
                p.p(99), p.p(100),
                p.duplicates(), p.outOfOrder(), p.extraUpdates(), (double) p.calls() / p.events(), p.meanInFlight(),
                p.gatewayCpu() * 100, p.benchCpu() * 100, p.machineCpu() * 100);
        if (!Double.isNaN(p.afterCpu()[0])) {
            System.out.printf(Locale.ROOT, "            after the appends: gateway %.1f ms cpu per delivered event; cpu: gateway %.0f%% bench %.0f%% "
                    + "machine %.0f%%%n", p.afterCpu()[0], p.afterCpu()[1] * 100, p.afterCpu()[2] * 100, p.afterCpu()[3] * 100);
        }
        Passes x = p.passes();
        System.out.printf(Locale.ROOT, "            %d relay passes, %.2f events/pass, span %.1f ms (straggle %.1f), gap %.1f ms (p50 %.1f), "
                        + "between calls %.1f ms, cycle %.1f ms%n", x.count(), x.deliveriesPerPass(), x.spanMs(), x.straggleMs(), x.gapMs(),
                x.gapP50Ms(), x.betweenCallsMs(), x.cycleMs());
        return p;
    }

    static void printTable(List<Phase> phases) {
        if (phases.isEmpty()) return;
        System.out.printf(Locale.ROOT, "%nResults (store h2, connector slack, fake latency %d ms per call, poll %d ms; latency = the event's "
                + "message arriving at the fake - its recordedAt;%n ans p50 = + the fake's delay for that call; delivered/s = events / "
                + "(last delivery - first commit); steady/s = between the 10th and 90th percentile delivery;%n after/s = deliveries "
                + "after the last commit / their time; dups = events received more than once; order = arrivals before an earlier "
                + "event of the incident;%n calls = calls per event at the fake; in flight = mean calls open at the fake while the "
                + "phase drained; cpu = cpu time / (wall x %d cores):%n gateway, bench (this JVM: fake + clients), other processes, "
                + "all)%n",
                FAKE_LATENCY_MS, POLL_MS, CORES);
        String fmt = "%-10s %4s %6s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %4s %5s %5s %5s %6s %6s %7s %7s%n";
        System.out.printf(Locale.ROOT, fmt, "phase", "conc", "events", "append/s", "deliv/s", "steady/s", "after/s", "drain s", "p50 ms",
                "p90 ms", "p99 ms", "max ms", "ans p50", "dups", "order", "calls", "inflt", "gw cpu", "bn cpu", "oth cpu", "all cpu");
        for (Phase p : phases) {
            System.out.printf(Locale.ROOT, fmt, p.name() + (p.pacedRate() > 0 ? "@" + p.pacedRate() : ""), p.concurrency(), p.events(),
                    f0(p.appendRate()), f0(p.deliveredPerSecond()), f0(p.steadyRate()), f0(p.afterAppendRate()),
                    String.format(Locale.ROOT, "%.2f", p.drainSeconds()),
                    f1(p.p(50)), f1(p.p(90)), f1(p.p(99)), f1(p.p(100)), f1(p.answered(50)), p.duplicates(), p.outOfOrder(),
                    String.format(Locale.ROOT, "%.2f", (double) p.calls() / p.events()), String.format(Locale.ROOT, "%.1f", p.meanInFlight()),
                    pct(p.gatewayCpu()), pct(p.benchCpu()), pct(Math.max(0, p.machineCpu() - p.gatewayCpu() - p.benchCpu())),
                    pct(p.machineCpu()));
        }
        System.out.println();
        System.out.println("CPU while the backlog drained with no appends (end of the appends to the last delivery; gw ms/event = gateway");
        System.out.println(" cpu time / events delivered in that window):");
        String cf = "%-10s %5s %11s %7s %9s %9s %8s%n";
        System.out.printf(Locale.ROOT, cf, "phase", "conc", "gw ms/event", "gw cpu", "bench cpu", "other cpu", "all cpu");
        for (Phase p : phases) {
            if (Double.isNaN(p.afterCpu()[0])) continue;
            System.out.printf(Locale.ROOT, cf, p.name() + (p.pacedRate() > 0 ? "@" + p.pacedRate() : ""), p.concurrency(),
                    f1(p.afterCpu()[0]), pct(p.afterCpu()[1]), pct(p.afterCpu()[2]),
                    pct(Math.max(0, p.afterCpu()[3] - p.afterCpu()[1] - p.afterCpu()[2])), pct(p.afterCpu()[3]));
        }
        System.out.println();
        System.out.println("Gateway CPU in that window by thread group, % of ONE core (relay workers = outbox-slack threads: lookups, HTTP");
        System.out.println(" calls, marking rows delivered; relay loop = Camel timer thread: claim query, waiting for the pass; jit = C1/C2");
        System.out.println(" compiler threads; writer = timeline writer; vert.x = REST API; a thread that ended in the window is not counted):");
        StringBuilder hdr = new StringBuilder(String.format(Locale.ROOT, "%-10s %5s", "phase", "conc"));
        for (String g : THREAD_GROUPS) hdr.append(String.format(Locale.ROOT, " %19s", g));
        System.out.println(hdr);
        for (Phase p : phases) {
            if (Double.isNaN(p.afterCpu()[0])) continue;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s %5d", p.name(), p.concurrency()));
            for (String g : THREAD_GROUPS) row.append(String.format(Locale.ROOT, " %19s", pct(p.afterThreads().getOrDefault(g, 0.0))));
            System.out.println(row);
        }
        System.out.println();
        System.out.println("Relay passes, reconstructed from the calls at the fake (a pass claims up to `conc` rows, one per incident, and");
        System.out.println(" waits for all of them; span = first call in to last answer out; straggle = first delivery done to last done;");
        System.out.println(" gap = last answer of a pass to the first call of the next (claim query, marking rows delivered, the poll when");
        System.out.println(" idle); between calls = gateway time from the first call answered (chat.update, or conversations.history");
        System.out.println(" before a root) to the second arriving (the thread reply, or the root); cycle = span + gap");
        System.out.println(" (one pass to the next); implied/s = events per pass / cycle)");
        String pf = "%-10s %5s %7s %9s %8s %9s %8s %8s %9s %9s %10s%n";
        System.out.printf(Locale.ROOT, pf, "phase", "conc", "passes", "ev/pass", "span ms", "straggle", "gap ms", "gap p50", "btw calls",
                "cycle ms", "implied/s");
        for (Phase p : phases) {
            Passes x = p.passes();
            System.out.printf(Locale.ROOT, pf, p.name() + (p.pacedRate() > 0 ? "@" + p.pacedRate() : ""), p.concurrency(), x.count(),
                    String.format(Locale.ROOT, "%.2f", x.deliveriesPerPass()), f1(x.spanMs()), f1(x.straggleMs()), f1(x.gapMs()),
                    f1(x.gapP50Ms()), f1(x.betweenCallsMs()), f1(x.cycleMs()), f0(x.impliedRate()));
        }
        System.out.println();
        System.out.println("The same for the passes after the last commit of a phase, by backlog when the pass started (events committed");
        System.out.println(" and not yet received by the fake; buckets of at least 3 passes):");
        System.out.printf(Locale.ROOT, pf, "phase", "conc", "backlog", "passes", "ev/pass", "span ms", "straggle", "gap ms", "btw calls",
                "cycle ms", "implied/s");
        for (Phase p : phases) {
            p.passes().byBacklog().forEach((bucket, x) -> System.out.printf(Locale.ROOT, pf,
                    p.name() + (p.pacedRate() > 0 ? "@" + p.pacedRate() : ""), p.concurrency(), bucket, x.count(),
                    String.format(Locale.ROOT, "%.2f", x.deliveriesPerPass()), f1(x.spanMs()), f1(x.straggleMs()), f1(x.gapMs()),
                    f1(x.betweenCallsMs()), f1(x.cycleMs()), f0(x.impliedRate())));
        }
        System.out.println();
    }

    static String f0(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v); }
    static String f1(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v); }
    static String pct(double f) { return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * f); }

    static long micros(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1000;
    }

    // ---------------------------------------------------------------- load

    /** {@code count} incidents, {@code clients} threads, each its share of incidents one after the other, no pauses. */
    static List<Sent> appendBurst(Api api, String prefix, int count, int clients) throws Exception {
        List<Sent> all = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> error = new AtomicReference<>();
        AtomicInteger next = new AtomicInteger(1);
        CountDownLatch done = new CountDownLatch(clients);
        for (int t = 0; t < clients; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i; (i = next.getAndIncrement()) <= count && error.get() == null; ) {
                        String incident = prefix + "-" + i;
                        for (String type : LIFECYCLE) {
                            all.add(api.append(incident, type));
                        }
                    }
                } catch (Exception e) {
                    error.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + t);
            th.setDaemon(true);
            th.start();
        }
        done.await();
        if (error.get() != null) throw error.get();
        return new ArrayList<>(all);
    }

    /**
     * About {@code rate} events/s for {@code seconds}: {@code clients} threads, each appending its incidents' events one
     * after the other on a fixed schedule (one every clients/rate seconds, staggered), not waiting for delivery.
     */
    static List<Sent> appendPaced(Api api, String prefix, int rate, int seconds, int clients) throws Exception {
        List<Sent> all = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> error = new AtomicReference<>();
        AtomicInteger nextIncident = new AtomicInteger(1);
        long intervalNanos = (long) (1e9 * clients / rate);
        int perClient = Math.max(LIFECYCLE.size(), (rate * seconds / clients) / LIFECYCLE.size() * LIFECYCLE.size());
        long start = System.nanoTime() + 50_000_000L;
        CountDownLatch done = new CountDownLatch(clients);
        for (int t = 0; t < clients; t++) {
            final long offset = intervalNanos * t / clients;
            Thread th = new Thread(() -> {
                try {
                    String incident = null;
                    for (int k = 0; k < perClient && error.get() == null; k++) {
                        long at = start + offset + k * intervalNanos;
                        for (long left; (left = at - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(left);
                        }
                        int step = k % LIFECYCLE.size();
                        if (step == 0) incident = prefix + "-" + nextIncident.getAndIncrement();
                        all.add(api.append(incident, LIFECYCLE.get(step)));
                    }
                } catch (Exception e) {
                    error.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "bench-paced-" + t);
            th.setDaemon(true);
            th.start();
        }
        done.await();
        if (error.get() != null) throw error.get();
        return new ArrayList<>(all);
    }

    /** The gateway's REST API, over java.net.http (HTTP/1.1 keep-alive). */
    static final class Api {
        final int port;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        final String authorization;

        Api(int port, String key) {
            this.port = port;
            this.authorization = "Bearer " + key;
        }

        Sent append(String incident, String type) throws IOException, InterruptedException {
            ObjectNode body = JSON.createObjectNode().put("actor", "bench");
            String path;
            if (type.equals("declare")) {
                path = "/api/v1/incidents";
                body.put("id", incident).put("title", "Benchmark incident " + incident + ": checkout latency above SLO")
                        .put("severity", "sev2").put("content", "p99 of /checkout above 2 s in eu-west-1");
            } else {
                path = "/api/v1/incidents/" + incident + "/events";
                body.put("type", type);
                switch (type) {
                    case "note" -> body.put("content", "rolled back deploy 4.2.1 on half of the fleet; error rate falling");
                    case "mitigate" -> body.put("title", "traffic shifted to eu-central-1");
                    case "resolve" -> body.put("content", "root cause: connection pool exhausted after config change");
                    default -> { }
                }
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            Instant acked = Instant.now();
            if (res.statusCode() != 201) {
                throw new IOException("POST " + path + " (" + type + ") answered " + res.statusCode() + ": " + res.body());
            }
            JsonNode r = JSON.readTree(res.body());
            JsonNode event = type.equals("declare") ? r.path("event") : r;
            return new Sent(event.path("id").asText(), incident, event.path("seq").asLong(), type,
                    Instant.parse(event.path("recordedAt").asText()), acked,
                    type.equals("declare") ? Instant.parse(r.path("declaredAt").asText()) : null);
        }

        /** "N pending, M dead" (pending counted up to 1000). */
        String outboxLeft() {
            try {
                return count("pending") + " pending, " + count("dead") + " dead";
            } catch (Exception e) {
                return "(GET /api/v1/outbox failed: " + e + ")";
            }
        }

        int count(String status) throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/outbox?status=" + status
                    + "&limit=1000")).timeout(Duration.ofSeconds(30)).header("Authorization", authorization).GET().build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) throw new IOException("answered " + res.statusCode() + ": " + res.body());
            return JSON.readTree(res.body()).path("items").size();
        }
    }

    // ---------------------------------------------------------------- fake Slack Web API

    /**
     * Just enough of the Slack Web API for the gateway's Slack sink, every call answered after a fixed delay. The delay
     * runs in the handler thread (a pool much larger than the relay's concurrency), so calls overlap freely.
     */
    static final class FakeSlack implements AutoCloseable {
        static final String TOKEN = "xoxb-0000000000-delivery-bench";

        /** A message carrying the gateway's metadata: the delivery of one event. {@code order}: global arrival order. */
        record Arrival(String eventId, String incidentId, String type, Instant at, long startNanos, long order, long serviceNanos) {
        }

        /** Any call, attributed to an incident when possible. */
        record Call(String method, String incidentId, String eventId, String key, boolean reply, long startNanos, long endNanos) {
            long serviceNanos() { return endNanos - startNanos; }
        }

        final HttpServer server;
        final ExecutorService pool;
        final long latencyNanos;
        final AtomicLong order = new AtomicLong();
        final AtomicLong tsCounter = new AtomicLong();
        final Map<String, List<Arrival>> received = new ConcurrentHashMap<>();
        /** Events received at least once, by incident id prefix (the part before '-'): one per phase. */
        final Map<String, AtomicInteger> firstArrivals = new ConcurrentHashMap<>();
        final Map<String, String> rootIncident = new ConcurrentHashMap<>(); // root ts -> incident
        final Map<String, AtomicInteger> updates = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        /** One moment on both clocks, to put wall-clock instants (recordedAt) on the nanoTime scale of the calls. */
        final Instant epoch = Instant.now();
        final long epochNanos = System.nanoTime();

        FakeSlack(int latencyMillis, int threads) throws IOException {
            this.latencyNanos = TimeUnit.MILLISECONDS.toNanos(latencyMillis);
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "fake-slack");
                t.setDaemon(true);
                return t;
            });
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.createContext("/api/", this::handle);
            server.setExecutor(pool);
            server.start();
        }

        static Map<String, String> query(String raw) {
            Map<String, String> out = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) return out;
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                out.put(k, eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return out;
        }

        long nanos(Instant t) {
            return epochNanos + Duration.between(epoch, t).toNanos();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
        }

        void handle(HttpExchange ex) throws IOException {
            long t0 = System.nanoTime();
            Instant at = Instant.now();
            try (ex) {
                byte[] raw = ex.getRequestBody().readAllBytes();
                String method = ex.getRequestURI().getPath().substring("/api/".length());
                ObjectNode answer = JSON.createObjectNode();
                String incident = null;
                Arrival arrival = null;
                JsonNode body = null;
                String key = null;
                // Read methods (conversations.*) take their arguments from the query string (the gateway GETs them),
                // write methods (chat.*) a JSON body POSTed.
                Map<String, String> query = query(ex.getRequestURI().getRawQuery());
                boolean readMethod = method.startsWith("conversations.");
                if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    answer.put("ok", false).put("error", "invalid_auth");
                } else if (readMethod) {
                    body = JSON.valueToTree(query);
                } else if (!"POST".equals(ex.getRequestMethod())) {
                    answer.put("ok", false).put("error", "invalid_post_type");
                } else {
                    try {
                        body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
                    } catch (IOException e) {
                        body = null;
                    }
                }
                if (answer.has("ok")) {
                    // refused above
                } else if (body == null || !body.isObject()) {
                    answer.put("ok", false).put("error", "invalid_json");
                } else {
                    JsonNode payload = body.path("metadata").path("event_payload");
                    switch (method) {
                        case "chat.postMessage" -> {
                            long n = tsCounter.incrementAndGet();
                            String ts = (1_700_000_000L + n / 1_000_000) + "." + String.format(Locale.ROOT, "%06d", n % 1_000_000);
                            answer.put("ok", true).put("channel", CHANNEL_ID).put("ts", ts);
                            answer.putObject("message").put("text", body.path("text").asText("")).put("ts", ts);
                            incident = payload.path("incident_id").asText(null);
                            if (!body.hasNonNull("thread_ts") && incident != null) {
                                rootIncident.put(ts, incident);
                            }
                            String eventId = payload.path("event_id").asText(null);
                            if (eventId != null && incident != null) {
                                arrival = new Arrival(eventId, incident, payload.path("event_type").asText(""), at, t0,
                                        order.incrementAndGet(), 0);
                            }
                        }
                        case "chat.update" -> {
                            String ts = body.path("ts").asText("");
                            incident = rootIncident.get(ts);
                            if (incident == null) {
                                answer.put("ok", false).put("error", "message_not_found");
                            } else {
                                updates.computeIfAbsent(incident, k -> new AtomicInteger()).incrementAndGet();
                                answer.put("ok", true).put("channel", CHANNEL_ID).put("ts", ts);
                                answer.putObject("message").put("text", body.path("text").asText(""));
                            }
                        }
                        case "conversations.history" -> {
                            // The gateway looks for a root it already posted before posting one: the channel has none.
                            // `oldest` (the incident's declaredAt - 10 min) ties the call to its incident (see passes()).
                            key = body.path("oldest").asText(null);
                            if (!CHANNEL_ID.equals(body.path("channel").asText())) {
                                answer.put("ok", false).put("error", "channel_not_found");
                            } else {
                                answer.put("ok", true).put("has_more", false).putArray("messages");
                                answer.putObject("response_metadata").put("next_cursor", "");
                            }
                        }
                        case "conversations.list" -> {
                            answer.put("ok", true).putArray("channels").addObject().put("id", CHANNEL_ID).put("name", "incidents");
                            answer.putObject("response_metadata").put("next_cursor", "");
                        }
                        default -> answer.put("ok", false).put("error", "unknown_method");
                    }
                }
                if (!answer.path("ok").asBoolean()) errors.incrementAndGet();
                // The fixed latency, measured from the request's arrival.
                long until = t0 + latencyNanos;
                for (long left; (left = until - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                }
                byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                ex.sendResponseHeaders("unknown_method".equals(answer.path("error").asText()) ? 404 : 200, bytes.length);
                ex.getResponseBody().write(bytes);
                long service = System.nanoTime() - t0;
                calls.add(new Call(method, incident, arrival == null ? null : arrival.eventId(), key,
                        body != null && body.hasNonNull("thread_ts"), t0, t0 + service));
                if (arrival != null) {
                    Arrival a = new Arrival(arrival.eventId(), arrival.incidentId(), arrival.type(), at, t0, arrival.order(), service);
                    received.computeIfAbsent(a.eventId(), k -> {
                        String phase = a.incidentId().substring(0, Math.max(0, a.incidentId().indexOf('-')));
                        firstArrivals.computeIfAbsent(phase, x -> new AtomicInteger()).incrementAndGet();
                        return Collections.synchronizedList(new ArrayList<>(1));
                    }).add(a);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- gateway process, CPU

    /** {@code api-key create} on the gateway's store before it starts: the API needs a key with read and write. */
    static String createApiKey(Path jar, Path dir, Map<String, String> env) throws Exception {
        Path out = dir.resolve("api-key.out");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "api-key", "create", "--name", "bench", "--scopes", "read,write");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("api-key.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("api-key create failed: " + Files.readString(dir.resolve("api-key.err")));
        }
        String key = Files.readString(out).strip();
        Files.delete(out);
        return key;
    }

    static Process startJava(Path jar, Path dir, Map<String, String> env, Path log, List<String> jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        // Only the settings given here: nothing from the caller's GATEWAY_* or connector environment.
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("SLACK_") || k.startsWith("JIRA_")
                || k.startsWith("SERVICENOW_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static void waitHealthy(Process gateway, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway exited with code " + gateway.exitValue() + " before answering /health");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    System.out.printf(Locale.ROOT, "   gateway up after %.1f s (GET /health 200)%n", (System.nanoTime() - t0) / 1e9);
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not answer /health 200 within 120 s");
    }

    /** utime + stime of a process, in clock ticks (/proc/<pid>/stat), or 0 when unreadable. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    static final List<String> THREAD_GROUPS = List.of("relay workers", "relay loop (camel)", "jit", "gc", "writer", "vert.x", "h2",
            "other");

    /**
     * A thread's group by its name (/proc/<pid>/task/<tid>/comm, cut at 15 characters): the relay's delivery workers
     * (outbox-<connector>: lookups, HTTP calls, marking the row), Camel's threads (the relay loop on the timer thread:
     * claim query, waiting for the pass), the JIT compilers, GC, the timeline writer (appends), Vert.x (the REST API).
     */
    static String threadGroup(String comm) {
        if (comm.startsWith("outbox-")) return "relay workers";
        if (comm.startsWith("Camel")) return "relay loop (camel)";
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) return "jit";
        if (comm.startsWith("GC ") || comm.startsWith("G1 ")) return "gc";
        if (comm.startsWith("timeline-writ")) return "writer";
        if (comm.startsWith("vert.x")) return "vert.x";
        if (comm.startsWith("H2 ") || comm.startsWith("MVStore")) return "h2";
        return "other";
    }

    /** CPU ticks (utime + stime) of a process's live threads, by {@link #threadGroup}; empty when unreadable. */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(threadGroup(comm), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return out;
    }

    /** {busy, total} jiffies of the whole machine (/proc/stat), or zeros. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[]{total - idle, total};
        } catch (Exception e) {
            return new long[]{0, 0};
        }
    }

    static long ticks = -1;

    static long clockTicks() {
        if (ticks > 0) return ticks;
        ticks = 100;
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && !s.isEmpty()) ticks = Long.parseLong(s);
        } catch (Exception ignored) {
            // keep 100
        }
        return ticks;
    }

    static long benchCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    // ---------------------------------------------------------------- helpers

    static void recordPid(long pid) {
        String file = System.getenv("BENCH_PID_FILE");
        if (file == null || file.isBlank()) return;
        try {
            Files.writeString(Path.of(file), pid + "\n", StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not record pid " + pid + ": " + e.getMessage());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> System.err.println("  | " + l));
        } catch (IOException e) {
            System.err.println("  (cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    static int intEnv(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
