// Webhook ingest benchmark of the Incident Gateway: the real gateway jar as a separate JVM, N keep-alive
// connections in a closed loop, small Alertmanager payloads, against a trivial endpoint on the same HTTP server.
//
//   java -cp target/incident-gateway.jar bench/WebhookBenchmark.java <gateway-jar> [<pg-jdbc-url>]
//
// (bench/webhook.sh builds the jar, starts a throwaway PostgreSQL and runs this.) For each store (H2, the
// default embedded store; then PostgreSQL when a URL is given) it
//   1. starts `java -jar <gateway-jar>` in a fresh temp working directory on a free port, with
//      GATEWAY_WEBHOOK_TOKEN=<random> and GATEWAY_ROUTES_DIR=<dir with bench-noop.camel.yaml>, a trivial route
//      POST /bench/noop (remove headers, constant {"ok":true}) served by the same Vert.x HTTP server;
//   2. opens BENCH_CONNECTIONS (64) HTTP/1.1 keep-alive connections, one per worker thread, each worker
//      sending its next request as soon as the previous answer is in (closed loop, so exactly 64 in flight);
//   3. warm-up (BENCH_WARMUP = 15 s on the webhook, half as long on the noop: the webhook path needs a while
//      until the JIT has compiled it on 2 busy cores; then more 5 s rounds of each while the gateway's JIT
//      compilers used BENCH_WARMUP_JIT_PCT (10) % of one core or more, until BENCH_WARMUP_MAX_S (120) s after the
//      warm-up began; /metrics, which each round reads, is read once during it), then BENCH_ROUNDS (2) rounds alternating
//        webhook  POST /webhooks/alertmanager, bearer token, one firing alert with a new fingerprint per request
//                 (every request declares a new incident: one durable append, 200 only after the commit);
//                 the answer must be 200 with exactly one accepted event id
//        noop     the same request bytes (same headers, same body sizes) POSTed to /bench/noop
//      BENCH_SECONDS (10) each per round;
//   4. checks durability: GET /api/v1/stats must count exactly as many incidents as 200 answers were received;
//      then the gateway is killed with SIGKILL and `java -jar <jar> verify` (a new process on the same store)
//      must report the same number of incidents with every hash chain intact;
//   5. the store's floor (BENCH_FLOOR_S, 10 s; 0 skips it): with the gateway gone, bench/AppendBenchmark.java floor
//      (a warm-up of BENCH_FLOOR_S, then the best of three rounds of half as long) writes to the same store, in plain
//      JDBC batches of the gateway's mean group size (its /metrics), just the rows
//      a new alert needs (event, incident view, correlation key, declared count): the most webhooks per second the
//      store itself takes on this machine with no HTTP, parsing, lookups or hashing at all.
// It prints a table and, as the last lines of the output, one machine-readable line per store:
//   webhook-ratio store=h2 connections=64 webhook_rps=<n> webhook_p99_ms=<x> noop_rps=<n> noop_p99_ms=<x> ratio=<webhook/noop>
//   webhook-floor store=h2 group=<n> rows_only_per_s=<n> noop_rps=<n> rows_only_over_noop=<x> webhook_over_rows_only=<x>
// (rows_only_over_noop is the highest webhook-ratio the store leaves possible on this machine.)
//
// BENCH_JFR_DIR=<dir> records each webhook round with JFR (settings=profile) into <dir>/<store>-webhook-<r>.jfr.
//
// The exit status is 1 if any answer was not the expected 200 or a durability check failed.
//
// CPU columns are shares of the whole machine (cpu seconds / (wall seconds x cores)): the gateway JVM, this load
// generator, the PostgreSQL cluster on the URL's port (postmaster and its children), everything else (other
// users of the machine) and the machine as a whole (/proc/stat); the gateway's CPU is also split by thread group
// (writer, Vert.x event loop, Vert.x workers, ...). Figures and their reading: bench/README.md.

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class WebhookBenchmark {
    static final int CONNECTIONS = intEnv("BENCH_CONNECTIONS", 64);
    static final int WARMUP_S = intEnv("BENCH_WARMUP", 15);
    /** Warm-up goes on in rounds while the JIT compilers use this much of one core (%), up to BENCH_WARMUP_MAX_S. */
    static final int WARMUP_JIT_PCT = intEnv("BENCH_WARMUP_JIT_PCT", 10);
    static final int WARMUP_MAX_S = intEnv("BENCH_WARMUP_MAX_S", 120);
    static final int WARMUP_ROUND_S = 5;
    static final int SECONDS = intEnv("BENCH_SECONDS", 10);
    static final int ROUNDS = intEnv("BENCH_ROUNDS", 2);
    static final int CORES = Runtime.getRuntime().availableProcessors();
    static final String WEBHOOK_PATH = "/webhooks/alertmanager";
    static final String NOOP_PATH = "/bench/noop";
    static final String NOOP_ROUTE = """
            # Benchmark only: the trivial endpoint on the gateway's own HTTP server (same Vert.x server, same
            # platform-http consumer, same worker-thread hand-off as /webhooks/<source>), nothing else.
            - route:
                id: bench-noop
                from:
                  uri: platform-http:/bench/noop
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - removeHeaders:
                        pattern: "*"
                    - setHeader:
                        name: Content-Type
                        constant: application/json
                    - setBody:
                        constant: '{"ok":true}'
            """;

    /** One measured phase (or a merge of rounds). */
    record Phase(String name, long requests, double seconds, long[] latencyNanos, long ok, Map<String, Long> failures,
                 double gatewayCpu, double generatorCpu, double pgCpu, double machineCpu, Map<String, Double> threads) {
        double perSecond() { return requests / seconds; }
        long failed() { return failures.values().stream().mapToLong(Long::longValue).sum(); }
        double percentileMs(double p) {
            if (latencyNanos.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * latencyNanos.length) - 1;
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, i))] / 1e6;
        }
    }

    /** @param floor the store's rows-only floor after the run ({@code null}: not measured) */
    record StoreResult(String store, Phase webhook, Phase noop, List<Phase[]> rounds, long answered200, long statsCount,
                       String verifyLine, boolean durable, String note, MemorySample memory, Floor floor) {
        StoreResult withNote(String n) {
            return new StoreResult(store, webhook, noop, rounds, answered200, statsCount, verifyLine, durable, n, memory, floor);
        }
    }

    /** The rows-only floor: {@code perSecond} new alerts' rows a second in batches of {@code group}; the tool's last line. */
    record Floor(int group, double perSecond, String line) {
    }

    /** The gateway's -Xmx (BENCH_GATEWAY_HEAP_MB, default 256: what issue 13 asks the gateway to cope with). */
    /**
     * Fingerprints spread over the whole 64-bit range by default, as Alertmanager's are (a hash of the alert's labels), so
     * a group's new keys land on as many B-tree leaves as they do for a user. BENCH_FINGERPRINTS=sequential (a counter,
     * every figure before session 39) puts them next to each other: on H2 about twice the webhooks per second.
     */
    static final boolean HASHED_FINGERPRINTS = !"sequential".equals(System.getenv().getOrDefault("BENCH_FINGERPRINTS", "hashed"));
    static final int GATEWAY_HEAP_MB = Integer.parseInt(System.getenv().getOrDefault("BENCH_GATEWAY_HEAP_MB", "256"));

    /** Heap (jcmd GC.heap_info: used and committed, summed over the generations) and resident set (/proc) in MB. */
    record MemorySample(double heapUsedMb, double heapCommittedMb, double rssMb) {
        static MemorySample of(long pid) {
            double used = Double.NaN, committed = Double.NaN, rss = Double.NaN;
            try {
                Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
                String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(30, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
                double t = 0, u = 0;
                boolean found = false;
                while (m.find()) {
                    t += Long.parseLong(m.group(1));
                    u += Long.parseLong(m.group(2));
                    found = true;
                }
                if (found) {
                    committed = t / 1024;
                    used = u / 1024;
                }
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (Exception e) {
                System.err.println("memory sample failed: " + e.getMessage());
            }
            return new MemorySample(used, committed, rss);
        }

        MemorySample max(MemorySample other) {
            return other == null ? this : new MemorySample(Math.max(heapUsedMb, other.heapUsedMb),
                    Math.max(heapCommittedMb, other.heapCommittedMb), Math.max(rssMb, other.rssMb));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap used %.0f MB of %.0f MB committed (-Xmx%dm), RSS %.0f MB", heapUsedMb,
                    heapCommittedMb, GATEWAY_HEAP_MB, rssMb);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].isBlank()) {
            System.err.println("usage: java -cp <gateway-jar> bench/WebhookBenchmark.java <gateway-jar> [<pg-jdbc-url>]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        String pgUrl = args.length > 1 ? args[1].trim() : "";
        System.out.printf(Locale.ROOT, "Webhook benchmark: %d cores (shared by the gateway, this load generator and PostgreSQL), "
                        + "Java %s; %d connections, closed loop; warm-up webhook %ds + noop %ds, then %d rounds of (webhook %ds, noop %ds); %s fingerprints%n",
                CORES, System.getProperty("java.version"), CONNECTIONS, WARMUP_S, Math.max(1, WARMUP_S / 2), ROUNDS, SECONDS, SECONDS,
                HASHED_FINGERPRINTS ? "hashed" : "sequential");

        List<StoreResult> results = new ArrayList<>();
        boolean failed = false;
        if ("1".equals(System.getenv("BENCH_SKIP_H2"))) {
            System.out.println("H2: skipped (BENCH_SKIP_H2=1)");
        } else {
            try {
                results.add(runStore("h2", jar, Map.of()));
            } catch (Exception e) {
                failed = true;
                System.err.println("H2 run failed: " + e);
                e.printStackTrace();
            }
        }
        if (pgUrl.isEmpty()) {
            System.out.println("PostgreSQL: skipped (no JDBC URL given)");
        } else {
            try {
                results.add(runPostgres(jar, pgUrl));
            } catch (Exception e) {
                failed = true;
                System.err.println("PostgreSQL run failed: " + e);
                e.printStackTrace();
            }
        }

        printTable(results);
        for (StoreResult r : results) {
            failed |= !r.durable() || r.webhook().failed() > 0 || r.noop().failed() > 0;
        }
        System.out.flush();
        for (StoreResult r : results) {
            System.out.printf(Locale.ROOT, "webhook-ratio store=%s connections=%d webhook_rps=%d webhook_p99_ms=%.2f noop_rps=%d "
                            + "noop_p99_ms=%.2f ratio=%.2f%n",
                    r.store(), CONNECTIONS, Math.round(r.webhook().perSecond()), r.webhook().percentileMs(99),
                    Math.round(r.noop().perSecond()), r.noop().percentileMs(99), r.webhook().perSecond() / r.noop().perSecond());
        }
        for (StoreResult r : results) {
            if (r.floor() != null) {
                System.out.printf(Locale.ROOT, "webhook-floor store=%s group=%d rows_only_per_s=%d noop_rps=%d rows_only_over_noop=%.2f "
                                + "webhook_over_rows_only=%.2f%n", r.store(), r.floor().group(), Math.round(r.floor().perSecond()),
                        Math.round(r.noop().perSecond()), r.floor().perSecond() / r.noop().perSecond(),
                        r.webhook().perSecond() / r.floor().perSecond());
            }
        }
        for (StoreResult r : results) {
            if (r.memory() != null) {
                System.out.printf(Locale.ROOT, "webhook-memory store=%s xmx_mb=%d heap_used_mb=%.0f heap_committed_mb=%.0f rss_mb=%.0f%n",
                        r.store(), GATEWAY_HEAP_MB, r.memory().heapUsedMb(), r.memory().heapCommittedMb(), r.memory().rssMb());
            }
        }
        System.out.flush();
        System.exit(failed ? 1 : 0);
    }

    // ---------------------------------------------------------------- one store

    static StoreResult runPostgres(Path jar, String givenUrl) throws Exception {
        Map<String, String> params = queryParams(givenUrl);
        String user = params.getOrDefault("user", "postgres");
        String password = params.getOrDefault("password", "");
        String db = "webhook_bench_" + Long.toString(System.currentTimeMillis(), 36);
        try (Connection admin = DriverManager.getConnection(givenUrl, user, password); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("GATEWAY_DB_URL", withDatabase(givenUrl, db));
            env.put("GATEWAY_DB_USER", user);
            env.put("GATEWAY_DB_PASSWORD", password);
            StoreResult r = runStore("postgresql", jar, env);
            // Group size: PostgreSQL counts the committed transactions of the database (flushed when the gateway's
            // backends exit after the SIGKILL); nearly all of them are the writer's group commits.
            Thread.sleep(1500);
            try (Connection admin = DriverManager.getConnection(givenUrl, user, password);
                 var st = admin.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
                st.setString(1, db);
                try (var rs = st.executeQuery()) {
                    if (rs.next()) {
                        long commits = rs.getLong(1);
                        String note = String.format(Locale.ROOT, "%d transactions committed in the database over the whole run "
                                        + "(migrations, reads and verify included) for %d webhook appends: >= %.1f appends per group commit",
                                commits, r.answered200(), r.answered200() / (double) Math.max(1, commits));
                        System.out.println("   " + note);
                        r = r.withNote(note);
                    }
                }
            }
            return r;
        } finally {
            try (Connection admin = DriverManager.getConnection(givenUrl, user, password); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (Exception e) {
                System.err.println("could not drop database " + db + ": " + e.getMessage());
            }
        }
    }

    static StoreResult runStore(String storeName, Path jar, Map<String, String> dbEnv) throws Exception {
        Path work = Files.createTempDirectory("webhook-bench-" + storeName + "-");
        Path routes = Files.createDirectories(work.resolve("bench-routes"));
        Files.writeString(routes.resolve("bench-noop.camel.yaml"), NOOP_ROUTE);
        Path log = work.resolve("gateway.log");
        int port = freePort();
        byte[] tokenBytes = new byte[24];
        new SecureRandom().nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);

        Map<String, String> env = new LinkedHashMap<>(dbEnv);
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_WEBHOOK_TOKEN", token);
        env.put("GATEWAY_ROUTES_DIR", routes.toString());
        System.out.printf(Locale.ROOT, "%n== %s: gateway on port %d, working dir %s, store %s%n", storeName, port, work,
                dbEnv.getOrDefault("GATEWAY_DB_URL", "default (embedded H2 file ./data/gateway)"));

        Process gateway = null;
        try {
            // The heap a user gets unless they set one: the gateway must take the load with -Xmx256m (issue 13, memory).
            // Every route but /webhooks needs an API key (issue 9): one for the noop route and /api/v1/stats.
            String apiKey = createApiKey(jar, work, env);
            apiKeyForStats = apiKey;
            gateway = startJava(jar, work, env, log, List.of("-Xmx" + GATEWAY_HEAP_MB + "m"), List.of());
            recordPid(gateway.pid());
            final Process gw = gateway;
            Runtime.getRuntime().addShutdownHook(new Thread(gw::destroyForcibly));
            waitHealthy(gateway, port, log);

            Load load = new Load(port, token, apiKey, pgPort(dbEnv.getOrDefault("GATEWAY_DB_URL", "")));
            try {
                // Sanity: one request to each endpoint, checked like the measured ones.
                Phase s1 = load.run("sanity webhook", WEBHOOK_PATH, true, 1, 0, gateway.pid());
                Phase s2 = load.run("sanity noop", NOOP_PATH, false, 1, 0, gateway.pid());
                if (s1.failed() > 0 || s2.failed() > 0) {
                    throw new IllegalStateException("sanity requests failed: webhook " + s1.failures() + ", noop " + s2.failures()
                            + "; last answer: " + load.lastBadAnswer);
                }
                long ok = s1.ok();

                // Warm-up of both endpoints (JIT, pools, connections); halfway through the webhook warm-up, one thread
                // dump of the gateway shows where the in-flight requests are.
                Thread sampler = new Thread(() -> {
                    sleep(WARMUP_S * 500L);
                    load.threadSample = threadSample(gw.pid());
                });
                sampler.start();
                long warmStart = System.nanoTime();
                Phase w1 = report(storeName, load.run("warm-up webhook", WEBHOOK_PATH, true, CONNECTIONS, WARMUP_S, gateway.pid()));
                sampler.join();
                ok += w1.ok();
                // The measured rounds read the group commits from /metrics, and the gateway's first /metrics answer
                // sent its hot HTTP code back to the compiler (about 150 methods made not entrant at once, then C2 at
                // 20–35 % of a core through the first measured round; bench/README.md, Webhook ingest, session 47).
                // Read once here, as a Prometheus scrape would have long before a deployment's steady state.
                GroupCommits.read(port);
                ok += warmUntilCompiled(storeName, load, WEBHOOK_PATH, true, w1, warmStart, gateway.pid());
                Phase w2 = report(storeName, load.run("warm-up noop", NOOP_PATH, false, CONNECTIONS, Math.max(1, WARMUP_S / 2),
                        gateway.pid()));
                warmUntilCompiled(storeName, load, NOOP_PATH, false, w2, warmStart, gateway.pid());
                System.out.println("   gateway threads sampled during the webhook warm-up: " + load.threadSample);

                List<Phase> hooks = new ArrayList<>();
                List<Phase> noops = new ArrayList<>();
                List<Phase[]> rounds = new ArrayList<>();
                MemorySample memory = null;
                double groups = 0, grouped = 0; // the webhook rounds' group commits, and the requests in them
                for (int r = 1; r <= ROUNDS; r++) {
                    // Heap and RSS of the gateway halfway through each webhook round (under load).
                    MemorySample[] sampled = new MemorySample[1];
                    Thread memSampler = new Thread(() -> {
                        sleep(SECONDS * 500L);
                        sampled[0] = MemorySample.of(gw.pid());
                    });
                    memSampler.start();
                    String jfr = startJfr(gateway.pid(), storeName + "-webhook-" + r);
                    GroupCommits before = GroupCommits.read(port);
                    Phase h = report(storeName, load.run("webhook #" + r, WEBHOOK_PATH, true, CONNECTIONS, SECONDS, gateway.pid()));
                    GroupCommits round = GroupCommits.read(port).minus(before);
                    System.out.println("        " + round);
                    groups += round.groups();
                    grouped += round.requests();
                    stopJfr(gateway.pid(), jfr);
                    memSampler.join();
                    if (sampled[0] != null) {
                        System.out.println("        gateway memory halfway through webhook #" + r + ": " + sampled[0]);
                        memory = sampled[0].max(memory);
                    }
                    Phase n = report(storeName, load.run("noop #" + r, NOOP_PATH, false, CONNECTIONS, SECONDS, gateway.pid()));
                    hooks.add(h);
                    noops.add(n);
                    rounds.add(new Phase[]{h, n});
                    ok += h.ok();
                }
                Phase webhook = merge("webhook", hooks);
                Phase noop = merge("noop", noops);
                if (load.lastBadAnswer != null) {
                    System.out.println("   last unexpected answer: " + load.lastBadAnswer);
                }

                // Durability: every 200 is an incident, through the API and after a SIGKILL.
                long stats = incidentCount(port);
                System.out.printf(Locale.ROOT, "   check: %d webhook requests answered 200 (1 accepted event each), "
                        + "GET /api/v1/stats counts %d incidents: %s%n", ok, stats, stats == ok ? "OK" : "MISMATCH");
                load.close();
                gateway.destroyForcibly();
                gateway.waitFor(30, TimeUnit.SECONDS);
                String verify = runVerify(jar, work, env);
                long verified = parseLong(verify, "(\\d+) incidents");
                boolean intact = verify.startsWith("OK:");
                System.out.printf(Locale.ROOT, "   after SIGKILL of the gateway, `java -jar incident-gateway.jar verify` on the same "
                        + "store: %s -> %s%n", verify, intact && verified == ok ? "OK" : "MISMATCH");
                Floor floor = groups > 0 ? runFloor(jar, work, env, (int) Math.max(1, Math.round(grouped / groups))) : null;
                return new StoreResult(storeName, webhook, noop, rounds, ok, stats, verify,
                        stats == ok && verified == ok && intact, null, memory, floor);
            } finally {
                load.close();
            }
        } catch (Exception e) {
            System.err.println("gateway log (last lines of " + log + "):");
            tail(log, 40);
            throw e;
        } finally {
            if (gateway != null) {
                gateway.destroyForcibly();
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
            deleteTree(work);
        }
    }

    /**
     * More warm-up rounds of {@value #WARMUP_ROUND_S} s on {@code path} while the gateway's JIT compilers used at least
     * WARMUP_JIT_PCT % of one core in the last round, until WARMUP_MAX_S after {@code warmStart}. On 2 shared cores C2
     * is still compiling H2's and Camel's large methods after the fixed warm-up (it took 40–70 % of a core through the
     * measured rounds of 2026-12-01), so the ratio measured the compiler more than the steady state; the delivery
     * benchmark waits for the same condition. Returns the answers checked as accepted (for the durability count).
     */
    static long warmUntilCompiled(String store, Load load, String path, boolean webhook, Phase last, long warmStart, long pid)
            throws Exception {
        long ok = 0;
        while (last.threads().getOrDefault("jit", 0.0) * 100 >= WARMUP_JIT_PCT
                && System.nanoTime() - warmStart < TimeUnit.SECONDS.toNanos(WARMUP_MAX_S)) {
            last = report(store, load.run("warm-up " + (webhook ? "webhook" : "noop") + " +", path, webhook, CONNECTIONS,
                    WARMUP_ROUND_S, pid));
            ok += webhook ? last.ok() : 0;
        }
        System.out.printf(Locale.ROOT, "   warm-up %s ended: JIT compilers at %.0f %% of one core in the last round (%s)%n",
                webhook ? "webhook" : "noop", last.threads().getOrDefault("jit", 0.0) * 100,
                last.threads().getOrDefault("jit", 0.0) * 100 < WARMUP_JIT_PCT ? "below " + WARMUP_JIT_PCT + " %"
                        : "time limit of " + WARMUP_MAX_S + " s reached");
        return ok;
    }

    static Phase report(String store, Phase p) {
        System.out.printf(Locale.ROOT, "   %-16s %8d requests in %5.1fs = %7.0f/s  p50 %6.2f ms  p99 %6.2f ms  non-200/bad %d%s"
                        + "  cpu: gateway %3.0f%%  generator %3.0f%%  postgres %3.0f%%  others %3.0f%%  machine %3.0f%%%n",
                p.name(), p.requests(), p.seconds(), p.perSecond(), p.percentileMs(50), p.percentileMs(99), p.failed(),
                p.failures().isEmpty() ? "" : " " + p.failures(), p.gatewayCpu() * 100, p.generatorCpu() * 100,
                p.pgCpu() * 100, Math.max(0, p.machineCpu() - p.gatewayCpu() - p.generatorCpu() - p.pgCpu()) * 100,
                p.machineCpu() * 100);
        System.out.println("        gateway threads (% of one core): " + threadLine(p));
        return p;
    }

    static String threadLine(Phase p) {
        StringBuilder sb = new StringBuilder();
        p.threads().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.0f%%  ", k, v * 100)));
        return sb.toString().trim();
    }

    /** Rounds pooled: requests and seconds summed, latencies pooled, CPU shares weighted by time. */
    static Phase merge(String name, List<Phase> rounds) {
        long requests = 0, ok = 0;
        double secs = 0, gw = 0, gen = 0, pg = 0, machine = 0;
        Map<String, Long> failures = new TreeMap<>();
        Map<String, Double> threads = new LinkedHashMap<>();
        List<long[]> lats = new ArrayList<>();
        for (Phase p : rounds) {
            p.threads().forEach((k, v) -> threads.merge(k, v * p.seconds(), Double::sum));
            requests += p.requests();
            ok += p.ok();
            secs += p.seconds();
            gw += p.gatewayCpu() * p.seconds();
            gen += p.generatorCpu() * p.seconds();
            pg += p.pgCpu() * p.seconds();
            machine += p.machineCpu() * p.seconds();
            p.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
            lats.add(p.latencyNanos());
        }
        long[] all = concat(lats);
        Arrays.sort(all);
        final double total = secs;
        threads.replaceAll((k, v) -> v / total);
        return new Phase(name, requests, secs, all, ok, failures, gw / secs, gen / secs, pg / secs, machine / secs, threads);
    }

    static void printTable(List<StoreResult> results) {
        if (results.isEmpty()) return;
        System.out.printf(Locale.ROOT, "%nResults (%d connections, closed loop, %d rounds of %ds per endpoint, pooled; latency = "
                + "request written to answer read, per request; cpu = cpu time / (wall x %d cores))%n", CONNECTIONS, ROUNDS, SECONDS, CORES);
        System.out.printf(Locale.ROOT, "%-11s %-8s %9s %6s %8s %7s %7s %7s %7s %8s %7s %7s %7s %7s %7s%n", "store", "endpoint", "requests",
                "secs", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-200", "gw cpu", "gen cpu", "pg cpu", "oth cpu", "all cpu");
        for (StoreResult r : results) {
            for (Phase p : List.of(r.webhook(), r.noop())) {
                System.out.printf(Locale.ROOT, "%-11s %-8s %9d %6.1f %8.0f %7.2f %7.2f %7.2f %7.1f %8d %6.0f%% %6.0f%% %6.0f%% %6.0f%% %6.0f%%%n",
                        r.store(), p.name(), p.requests(), p.seconds(), p.perSecond(), p.percentileMs(50), p.percentileMs(90),
                        p.percentileMs(99), p.percentileMs(100), p.failed(), p.gatewayCpu() * 100, p.generatorCpu() * 100,
                        p.pgCpu() * 100, Math.max(0, p.machineCpu() - p.gatewayCpu() - p.generatorCpu() - p.pgCpu()) * 100,
                        p.machineCpu() * 100);
            }
        }
        System.out.println();
        System.out.println("Gateway CPU by thread group (cpu time / wall time, % of ONE core; writer = the timeline-writer thread, committer = its timeline-committer):");
        for (StoreResult r : results) {
            for (Phase p : List.of(r.webhook(), r.noop())) {
                System.out.printf(Locale.ROOT, "  %-11s %-8s %s%n", r.store(), p.name(), threadLine(p));
            }
        }
        System.out.println();
        System.out.println("Rounds (webhook vs noop, alternating; the table pools them):");
        for (StoreResult r : results) {
            int i = 1;
            for (Phase[] pair : r.rounds()) {
                System.out.printf(Locale.ROOT, "  %-11s round %d: webhook %7.0f/s (p99 %6.2f ms)  noop %7.0f/s (p99 %6.2f ms)  ratio %.2f%n",
                        r.store(), i++, pair[0].perSecond(), pair[0].percentileMs(99), pair[1].perSecond(), pair[1].percentileMs(99),
                        pair[0].perSecond() / pair[1].perSecond());
            }
        }
        System.out.println();
        System.out.println("Durability (every 200 answer of /webhooks/alertmanager declared one incident):");
        for (StoreResult r : results) {
            System.out.printf(Locale.ROOT, "  %-11s 200 answers %d, /api/v1/stats %d incidents, after SIGKILL verify: %s -> %s%n",
                    r.store(), r.answered200(), r.statsCount(), r.verifyLine(), r.durable() ? "OK" : "MISMATCH");
        }
        for (StoreResult r : results) {
            if (r.note() != null) {
                System.out.printf(Locale.ROOT, "  %-11s %s%n", r.store(), r.note());
            }
        }
        System.out.println();
    }

    // ---------------------------------------------------------------- load generator

    /** CONNECTIONS keep-alive HTTP/1.1 connections, one per worker thread, reused across phases. */
    static final class Load implements AutoCloseable {
        final int port;
        final String token;
        final String apiKey;
        final int pgPort;
        final HttpConn[] conns = new HttpConn[CONNECTIONS];
        final AtomicLong fingerprints = new AtomicLong(new SecureRandom().nextLong() & 0x7fff_ffff_0000_0000L);
        final String startsAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        volatile String lastBadAnswer;
        volatile String threadSample = "(no sample)";

        Load(int port, String token, String apiKey, int pgPort) {
            this.port = port;
            this.token = token;
            this.apiKey = apiKey;
            this.pgPort = pgPort;
        }

        HttpConn conn(int i) throws IOException {
            if (conns[i] == null || conns[i].closed) {
                conns[i] = new HttpConn(port);
            }
            return conns[i];
        }

        /** SplitMix64's finalizer: a bijection, so distinct counters stay distinct fingerprints. */
        static long mixed(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }

        /** One small Alertmanager v4 notification: one firing alert, a fingerprint never used before. */
        byte[] request(String path) {
            long n = fingerprints.getAndIncrement();
            String fp = String.format("%016x", HASHED_FINGERPRINTS ? mixed(n) : n);
            String body = "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"BenchHighLatency\\\"}\",\"truncatedAlerts\":0,"
                    + "\"status\":\"firing\",\"receiver\":\"incident-gateway\",\"groupLabels\":{\"alertname\":\"BenchHighLatency\"},"
                    + "\"commonLabels\":{\"alertname\":\"BenchHighLatency\",\"cluster\":\"prod-eu-1\",\"severity\":\"warning\"},"
                    + "\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager.monitoring.svc:9093\",\"alerts\":[{"
                    + "\"status\":\"firing\",\"labels\":{\"alertname\":\"BenchHighLatency\",\"cluster\":\"prod-eu-1\","
                    + "\"namespace\":\"checkout\",\"pod\":\"checkout-api-" + fp + "\",\"severity\":\"warning\"},"
                    + "\"annotations\":{\"summary\":\"p99 latency above 500 ms.\",\"description\":\"checkout-api-" + fp
                    + " answers slowly (p99 > 500 ms for 5 minutes).\"},\"startsAt\":\"" + startsAt + "\","
                    + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prometheus.monitoring.svc:9090/graph?g0.expr=latency\","
                    + "\"fingerprint\":\"" + fp + "\"}]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + (path.equals(WEBHOOK_PATH) ? token : apiKey)
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(h, h.length + b.length);
            System.arraycopy(b, 0, all, h.length, b.length);
            return all;
        }

        /**
         * {@code workers} threads, each on its own connection, for {@code seconds} (0 = one request each). With
         * {@code checkAccepted} an answer counts as ok only if it is 200 with exactly one accepted event id.
         */
        Phase run(String name, String path, boolean checkAccepted, int workers, int seconds, long gatewayPid) throws Exception {
            long[][] latencies = new long[workers][];
            long[] oks = new long[workers];
            @SuppressWarnings("unchecked") Map<String, Long>[] fails = new Map[workers];
            CountDownLatch ready = new CountDownLatch(workers);
            CountDownLatch go = new CountDownLatch(1);
            long[] deadline = new long[1];
            Thread[] threads = new Thread[workers];
            for (int t = 0; t < workers; t++) {
                final int idx = t;
                threads[t] = new Thread(() -> {
                    long[] lat = new long[1 << 12];
                    int k = 0;
                    long okCount = 0;
                    Map<String, Long> f = new TreeMap<>();
                    try {
                        conn(idx);
                    } catch (IOException e) {
                        f.merge("connect: " + e.getMessage(), 1L, Long::sum);
                    }
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long end = deadline[0];
                    do {
                        byte[] req = request(path);
                        long t0 = System.nanoTime();
                        HttpConn.Answer a;
                        try {
                            a = conn(idx).exchange(req);
                        } catch (IOException e) {
                            f.merge("io: " + e.getClass().getSimpleName(), 1L, Long::sum);
                            if (conns[idx] != null) conns[idx].close();
                            continue;
                        }
                        long d = System.nanoTime() - t0;
                        if (k == lat.length) lat = Arrays.copyOf(lat, k * 2);
                        lat[k++] = d;
                        String problem = a.status() != 200 ? "status " + a.status()
                                : checkAccepted ? acceptedProblem(a.body()) : null;
                        if (problem == null) {
                            okCount++;
                        } else {
                            f.merge(problem, 1L, Long::sum);
                            lastBadAnswer = a.status() + " " + new String(a.body(), StandardCharsets.UTF_8);
                        }
                    } while (System.nanoTime() < end);
                    latencies[idx] = Arrays.copyOf(lat, k);
                    oks[idx] = okCount;
                    fails[idx] = f;
                }, "load-" + t);
                threads[t].start();
            }
            ready.await();
            Cpu before = Cpu.sample(gatewayPid, pgPort);
            long start = System.nanoTime();
            deadline[0] = start + seconds * 1_000_000_000L;
            go.countDown();
            for (Thread t : threads) t.join();
            long elapsed = System.nanoTime() - start;
            Cpu after = Cpu.sample(gatewayPid, pgPort);
            long[] all = concat(Arrays.asList(latencies));
            Arrays.sort(all);
            Map<String, Long> failures = new TreeMap<>();
            for (Map<String, Long> f : fails) {
                if (f != null) f.forEach((k, v) -> failures.merge(k, v, Long::sum));
            }
            double wall = elapsed * (double) CORES;
            return new Phase(name, all.length + failures.entrySet().stream().filter(e -> e.getKey().startsWith("io:"))
                    .mapToLong(Map.Entry::getValue).sum(), elapsed / 1e9, all, Arrays.stream(oks).sum(), failures,
                    (after.gateway - before.gateway) / wall, (after.generator - before.generator) / wall,
                    after.postgresSince(before) / wall, after.machineShare(before), after.threadShares(before, elapsed));
        }

        /** null when the body is {"accepted":[<one id>],"duplicates":[],...}, else what is wrong. */
        static String acceptedProblem(byte[] body) {
            String s = new String(body, StandardCharsets.UTF_8);
            int a = s.indexOf("\"accepted\":[");
            if (a < 0) return "200 without accepted";
            int end = s.indexOf(']', a);
            String ids = s.substring(a + "\"accepted\":[".length(), end).trim();
            if (ids.isEmpty()) return "200 with 0 accepted";
            if (ids.indexOf(',') >= 0) return "200 with >1 accepted";
            if (!s.contains("\"duplicates\":[]")) return "200 with duplicates";
            return null;
        }

        @Override
        public void close() {
            for (HttpConn c : conns) {
                if (c != null) c.close();
            }
        }

        /**
         * Closes every connection, so the next phase opens new ones: after a pause longer than the gateway's idle
         * timeout the gateway has closed them, and a client (as Alertmanager's) connects anew rather than sending on a
         * connection the server already closed.
         */
        void reconnectNextPhase() {
            close();
            Arrays.fill(conns, null);
        }
    }

    /** A minimal HTTP/1.1 client connection: write one request, read one answer (Content-Length or chunked). */
    static final class HttpConn {
        record Answer(int status, byte[] body) {
        }

        final Socket socket;
        final OutputStream out;
        final InputStream in;
        volatile boolean closed;

        HttpConn(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = readLine();
            if (!status.startsWith("HTTP/1.")) throw new IOException("bad status line: " + status);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false, close = status.startsWith("HTTP/1.0");
            for (String h; !(h = readLine()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String k = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String v = h.substring(colon + 1).trim();
                switch (k) {
                    case "content-length" -> length = Long.parseLong(v);
                    case "transfer-encoding" -> chunked = v.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = v.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    String line = readLine();
                    int semi = line.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) { } // trailers
                        break;
                    }
                    b.write(in.readNBytes(n));
                    readLine();
                }
                body = b.toByteArray();
            } else if (length >= 0) {
                body = in.readNBytes((int) length);
                if (body.length != length) throw new EOFException("body cut short");
            } else {
                body = in.readAllBytes();
                close = true;
            }
            if (close) close();
            return new Answer(code, body);
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                int c = in.read();
                if (c < 0) throw new EOFException("connection closed by the gateway");
                if (c == '\n') break;
                if (c != '\r') sb.append((char) c);
            }
            return sb.toString();
        }

        void close() {
            closed = true;
            try {
                socket.close();
            } catch (IOException ignored) {
            }
        }
    }

    // ---------------------------------------------------------------- CPU accounting (Linux /proc)

    /** Thread groups of the gateway JVM, by the native thread name (Linux truncates it to 15 characters). */
    static final List<String> THREAD_GROUPS = List.of("writer", "committer", "event loop", "workers", "h2 bg", "gc", "jit", "other");

    static String threadGroup(String comm) {
        if (comm.equals("timeline-writer")) return "writer";
        if (comm.equals("timeline-commit")) return "committer"; // timeline-committer, truncated by Linux
        if (comm.startsWith("vert.x-eventloo")) return "event loop";
        if (comm.startsWith("vert.x-worker")) return "workers";
        if (comm.startsWith("H2") || comm.startsWith("MVStore")) return "h2 bg";
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) return "gc";
        if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) return "jit";
        return "other";
    }

    record Cpu(long gateway, long generator, Map<Long, Long> postgres, long machineBusy, long machineTotal,
               Map<String, Long> threads) {
        static final long TICK_NANOS = 1_000_000_000L / clockTicks();

        /**
         * The gateway's CPU (and by thread group), this JVM's, the PostgreSQL cluster's on {@code pgPort} (its postmaster,
         * found by "-p <port>" on its command line, and the postmaster's children; 0 = none) and the machine's.
         */
        static Cpu sample(long gatewayPid, int pgPort) {
            long gw = procCpuTicks(Path.of("/proc/" + gatewayPid + "/stat")) * TICK_NANOS;
            Map<String, Long> threads = new TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + gatewayPid + "/task"))) {
                for (Path t : tasks.toList()) {
                    String stat = read(t.resolve("stat"));
                    if (stat == null) continue;
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    threads.merge(threadGroup(comm), ticks(stat) * TICK_NANOS, Long::sum);
                }
            } catch (IOException | RuntimeException ignored) {
                // the process is gone
            }
            long gen = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            Map<Long, Long> pg = new TreeMap<>();
            if (pgPort > 0) {
                Map<Long, String> stats = new LinkedHashMap<>();
                long postmaster = -1;
                try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                    for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                        String stat = read(p.resolve("stat"));
                        if (stat == null || !stat.contains("(postgres)")) continue;
                        long pid = Long.parseLong(p.getFileName().toString());
                        stats.put(pid, stat);
                        String cmd = read(p.resolve("cmdline"));
                        if (cmd != null && (" " + cmd.replace('\0', ' ') + " ").contains(" -p " + pgPort + " ")) {
                            postmaster = pid;
                        }
                    }
                } catch (IOException ignored) {
                }
                for (Map.Entry<Long, String> e : stats.entrySet()) {
                    String[] f = e.getValue().substring(e.getValue().lastIndexOf(')') + 2).trim().split(" ");
                    long ppid = Long.parseLong(f[1]);
                    if (e.getKey() == postmaster || ppid == postmaster) {
                        pg.put(e.getKey(), ticks(e.getValue()) * TICK_NANOS);
                    }
                }
            }
            long busy = 0, total = 0;
            String all = read(Path.of("/proc/stat"));
            if (all != null) {
                String[] f = all.lines().findFirst().orElse("").trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) busy += v; // idle, iowait
                }
            }
            return new Cpu(gw, gen, pg, busy, total, threads);
        }

        /** CPU of each gateway thread group between two samples, as a share of one core. */
        Map<String, Double> threadShares(Cpu before, long wallNanos) {
            Map<String, Double> out = new LinkedHashMap<>();
            for (String g : THREAD_GROUPS) {
                long d = threads.getOrDefault(g, 0L) - before.threads.getOrDefault(g, 0L);
                out.put(g, Math.max(0, d) / (double) wallNanos);
            }
            return out;
        }

        /** CPU of the PostgreSQL processes since {@code before} (processes that started in between count whole). */
        long postgresSince(Cpu before) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : postgres.entrySet()) {
                sum += Math.max(0, e.getValue() - before.postgres.getOrDefault(e.getKey(), 0L));
            }
            return sum;
        }

        double machineShare(Cpu before) {
            long t = machineTotal - before.machineTotal;
            return t <= 0 ? Double.NaN : (double) (machineBusy - before.machineBusy) / t;
        }

        static long procCpuTicks(Path stat) {
            String s = read(stat);
            return s == null ? 0 : ticks(s);
        }

        /** utime + stime of a /proc/<pid>/stat line (fields 14 and 15, counted after the command's closing paren). */
        static long ticks(String stat) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        static long clockTicks() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                p.waitFor();
                return Long.parseLong(s);
            } catch (Exception e) {
                return 100;
            }
        }
    }

    // ---------------------------------------------------------------- gateway process

    static Process startJava(Path jar, Path dir, Map<String, String> env, Path log, List<String> jvmArgs, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return startProcess(dir, env, log, cmd);
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code cmd} in {@code dir} with {@code env}, stdout and stderr to {@code log} ({@code null}: a pipe). */
    static Process startProcess(Path dir, Map<String, String> env, Path log, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        // Only the settings given here: nothing from the caller's GATEWAY_* environment.
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static void waitHealthy(Process gateway, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long t0 = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway exited with code " + gateway.exitValue() + " before answering /health");
            }
            try {
                HttpConn c = new HttpConn(port);
                try {
                    HttpConn.Answer a = c.exchange(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    if (a.status() == 200) {
                        System.out.printf(Locale.ROOT, "   gateway up after %.1f s (GET /health 200)%n", (System.nanoTime() - t0) / 1e9);
                        return;
                    }
                } finally {
                    c.close();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not answer /health 200 within 120 s");
    }

    /** {@code api-key create --scopes admin} on the store, before the gateway starts; the key is stdout's last line. */
    static String createApiKey(Path jar, Path dir, Map<String, String> env) throws Exception {
        Path out = dir.resolve("api-key.out");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString(), "api-key", "create", "--name", "bench", "--scopes", "admin");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("api-key.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("api-key create failed: " + Files.readString(dir.resolve("api-key.err")));
        }
        List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1).strip();
    }

    static String apiKeyForStats;

    /**
     * The gateway's group commit counters from {@code GET /metrics}: groups, requests in them, seconds spent writing and
     * committing them. Two readings give a round's mean group size and commit time (what limits ingest: bench/README.md).
     */
    record GroupCommits(double groups, double requests, double commitSeconds) {
        static GroupCommits read(int port) throws IOException {
            String body = getWithKey(port, "/metrics");
            return new GroupCommits(value(body, "gateway_append_group_size_count"), value(body, "gateway_append_group_size_sum"),
                    value(body, "gateway_append_group_commit_seconds_sum"));
        }

        private static double value(String metrics, String name) {
            Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        }

        /** What was committed between {@code before} and this reading. */
        GroupCommits minus(GroupCommits before) {
            return new GroupCommits(groups - before.groups, requests - before.requests, commitSeconds - before.commitSeconds);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "group commit (gateway /metrics): %.0f groups, %.1f requests a group, write + commit %.2f ms a group",
                    groups, requests / groups, commitSeconds * 1000 / groups);
        }
    }

    /** Sum of the counts of GET /api/v1/stats ([{"status","count"}]). */
    static long incidentCount(int port) throws IOException {
        Matcher m = Pattern.compile("\"count\"\\s*:\\s*(\\d+)").matcher(getWithKey(port, "/api/v1/stats"));
        long sum = 0;
        while (m.find()) sum += Long.parseLong(m.group(1));
        return sum;
    }

    /** GET {@code path} with the benchmark's API key; the body of a 200, else an IOException naming the status and body. */
    static String getWithKey(int port, String path) throws IOException {
        HttpConn c = new HttpConn(port);
        try {
            HttpConn.Answer a = c.exchange(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + apiKeyForStats + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String body = new String(a.body(), StandardCharsets.UTF_8);
            if (a.status() != 200) throw new IOException("GET " + path + " answered " + a.status() + ": " + body);
            return body;
        } finally {
            c.close();
        }
    }

    static final int FLOOR_S = intEnv("BENCH_FLOOR_S", 10);

    /**
     * The store's floor for new alerts, measured on the gateway's own store after the run (the gateway gone, its store
     * verified): {@code bench/AppendBenchmark.java floor} in the gateway's working dir with its environment, batches of
     * {@code group}, {@link #FLOOR_S} seconds. {@code null} when skipped or when it gives no result (the run goes on).
     */
    static Floor runFloor(Path jar, Path dir, Map<String, String> env, int group) throws Exception {
        if (FLOOR_S <= 0) {
            return null;
        }
        Path out = dir.resolve("floor.log");
        Path source = Path.of("bench", "AppendBenchmark.java").toAbsolutePath();
        Process p = startProcess(dir, env, out, List.of(javaCommand(), "-Xmx1g", "-cp", jar.toString(), source.toString(),
                "floor", Integer.toString(group), Integer.toString(FLOOR_S)));
        recordPid(p.pid());
        if (!p.waitFor(FLOOR_S * 4L + 120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            System.out.println("   floor: no result in time (see " + out + ")");
            return null;
        }
        List<String> output = Files.readAllLines(out);
        List<String> lines = output.stream().filter(l -> l.startsWith("rows-only ")).toList();
        if (lines.isEmpty()) {
            System.out.println("   floor: no result; its output ends with:");
            tail(out, 15);
            return null;
        }
        String line = lines.get(lines.size() - 1);
        String rounds = String.join("; ", output.stream().filter(l -> l.startsWith("rows only #")).toList());
        System.out.println("   the store's floor, rows only (the gateway gone, same store; " + rounds + "): " + line);
        return new Floor(group, parseLong(line, "per_s=(\\d+)"), line);
    }

    /** `java -jar <jar> verify` in the gateway's working dir with its environment; its last output line. */
    static String runVerify(Path jar, Path dir, Map<String, String> env) throws Exception {
        Path out = dir.resolve("verify.log");
        Process p = startJava(jar, dir, env, out, List.of("-Xmx1g"), List.of("verify"));
        recordPid(p.pid());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "verify did not finish within 120 s";
        }
        List<String> lines = Files.readAllLines(out).stream().filter(l -> l.startsWith("OK:") || l.contains("broken")
                || l.startsWith("BROKEN") || l.startsWith("verify failed")).toList();
        return lines.isEmpty() ? "verify exited " + p.exitValue() + " without a result line" : lines.get(lines.size() - 1);
    }

    /**
     * BENCH_JFR_DIR set: a JFR recording of the gateway ({@code settings=profile}) from just before a webhook round to
     * just after it, written to {@code <dir>/<name>.jfr} (allocation and CPU per webhook: divide by the round's requests).
     * @return the recording's name, or null when not recording
     */
    static String startJfr(long pid, String name) {
        String dir = System.getenv("BENCH_JFR_DIR");
        if (dir == null || dir.isBlank()) return null;
        jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
        return name;
    }

    static void stopJfr(long pid, String name) {
        if (name == null) return;
        Path file = Path.of(System.getenv("BENCH_JFR_DIR")).toAbsolutePath().resolve(name + ".jfr");
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file);
        System.out.println("        JFR of this round: " + file);
    }

    static void jcmd(long pid, String... command) {
        List<String> args = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.out.println("        jcmd " + String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (Exception e) {
            System.out.println("        jcmd " + String.join(" ", command) + " failed: " + e.getMessage());
        }
    }

    /** One thread dump of the gateway (jcmd): how many Vert.x worker threads exist and where they are. */
    static String threadSample(long pid) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            int workers = 0, inStore = 0, eventLoops = 0;
            for (String block : dump.split("\n\n")) {
                String b = block.trim();
                if (b.startsWith("\"vert.x-worker-thread")) {
                    workers++;
                    if (b.contains("dev.incidentgateway.timeline.TimelineStore")) inStore++;
                } else if (b.startsWith("\"vert.x-eventloop-thread")) {
                    eventLoops++;
                }
            }
            return String.format(Locale.ROOT, "%d vert.x worker threads, %d of them inside TimelineStore (waiting for their group "
                    + "commit); %d vert.x event-loop threads", workers, inStore, eventLoops);
        } catch (Exception e) {
            return "(jcmd failed: " + e.getMessage() + ")";
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Appends a child's pid to $BENCH_PID_FILE (webhook.sh kills what is left of them if this JVM is killed). */
    static void recordPid(long pid) {
        String file = System.getenv("BENCH_PID_FILE");
        if (file == null || file.isBlank()) return;
        try {
            Files.writeString(Path.of(file), pid + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not record pid " + pid + " in " + file + ": " + e.getMessage());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long[] concat(List<long[]> parts) {
        int n = 0;
        for (long[] p : parts) n += p == null ? 0 : p.length;
        long[] all = new long[n];
        int off = 0;
        for (long[] p : parts) {
            if (p == null) continue;
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    static long parseLong(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> System.err.println("   | " + l));
        } catch (IOException e) {
            System.err.println("   (no log: " + e.getMessage() + ")");
        }
    }

    static int intEnv(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static Map<String, String> queryParams(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) return out;
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    /** The port of a jdbc:postgresql://host:port/... URL (5432 without one); 0 for any other URL. */
    static int pgPort(String url) {
        Matcher m = Pattern.compile("^jdbc:postgresql://[^/:?]+(?::(\\d+))?").matcher(url);
        return !m.find() ? 0 : m.group(1) == null ? 5432 : Integer.parseInt(m.group(1));
    }

    /** jdbc:postgresql://host:port/db?x=y with db replaced. */
    static String withDatabase(String url, String db) {
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + url);
        int slash = url.indexOf('/', prefix.length());
        int q = url.indexOf('?');
        String hostPart = slash < 0 ? (q < 0 ? url : url.substring(0, q)) : url.substring(0, slash);
        String query = q < 0 ? "" : url.substring(q);
        return hostPart + "/" + db + query;
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
