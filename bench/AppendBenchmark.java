// Append benchmark of the Incident Gateway timeline store, on H2 and on PostgreSQL in one run.
//
//   java -cp target/incident-gateway.jar bench/AppendBenchmark.java <h2-jdbc-url|""> <pg-jdbc-url|"">
//
// (bench/append.sh builds the jar, starts a throwaway PostgreSQL and runs this.) For each store it opens a
// fresh database, warms up, then measures:
//   durable 1 writer    one thread appending notes in a closed loop through TimelineStore.append
//   durable 32 writers  32 threads, each on its own incident, closed loop (group commit batches them)
//   raw batch=100       plain JDBC: the same shape of rows into the same timeline_events table, spread over as
//                       many incidents as there are writers, one connection, batches of 100 rows, one commit per
//                       batch: the physical limit
//                       (these two alternate in BENCH_ROUNDS rounds; each reports its median round)
//   raw batch=N         the same with N = the group size the durable path actually achieved
//   raw 100, 1 incident all rows to one incident (the baseline printed before 2026-12-01; see rawInsert)
//   profile             a short extra 32-writer run with every statement of the writer timed (not a headline)
// and prints a table, then one machine-readable line per store (the last lines of the output):
//   append-ratio store=h2 writers=32 durable_per_s=<n> raw_per_s=<n> ratio=<durable/raw>
//
// Durations (seconds) can be changed with BENCH_WARMUP, BENCH_SECONDS_1, BENCH_SECONDS_32, BENCH_SECONDS_RAW,
// BENCH_SECONDS_PROFILE (0 skips the profile), the round count with BENCH_ROUNDS, the writers with BENCH_WRITERS.
// BENCH_SKIP_H2=1 measures PostgreSQL only.
//
// "rows only, batch=N" (rowsOnly) is the store's floor for the durable load: plain JDBC batches of just the rows a
// durable append of that load writes in its transaction, N (the durable group size) per commit, one connection; printed
// as append-floor store=… load=… group=N durable_per_s=… rows_only_per_s=… durable_over_rows_only=… rows_only_over_raw=…
// BENCH_ROWS_ONLY_BATCHES=64,128 adds the same at other batch sizes (not in the machine-readable lines).
//
// BENCH_LOAD=declares replaces the durable side's notes with bench/webhook.sh's writer load: each append a new
// Alertmanager alert (a declare with a new correlation key and ce id, random fingerprint), submitted like the webhook
// route submits it (TimelineStore.appendAllAsync, so the writer does not wait for late arrivals), each writer thread
// then idling BENCH_TURNAROUND_US (default 0) before its next request, standing in for the HTTP answer and the next
// request. The raw side stays notes-shaped (its ratio then means little; the profile and the cost per event are the point).
//
// The profile splits each group's time by thread (the writer thread that stages a group, the committer thread that
// writes and commits it): round trips by statement (count and wall time, and within them the thread's own CPU, its
// wait for a core (/proc/thread-self/schedstat) and the rest: waiting on the database), then outside round trips the
// thread's CPU (staging in Java), its wait for a core, and where it was parked (a JFR recording of jdk.ThreadPark,
// by the innermost gateway method on the stack: waiting for requests, for the group in flight, for the next group).
// On PostgreSQL also the WAL fsyncs of the phase (pg_stat_wal; their time only with track_wal_io_timing=on).

import com.github.f4b6a3.ulid.UlidFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import java.util.stream.Stream;

public class AppendBenchmark {
    static final int WARMUP_S = intEnv("BENCH_WARMUP", 4);
    static final int SECONDS_1 = intEnv("BENCH_SECONDS_1", 8);
    static final int ROUNDS = intEnv("BENCH_ROUNDS", 3);
    static final int SECONDS_32 = intEnv("BENCH_SECONDS_32", 6);
    static final int SECONDS_RAW = intEnv("BENCH_SECONDS_RAW", 4);
    static final int SECONDS_PROFILE = intEnv("BENCH_SECONDS_PROFILE", 5);
    static final int WRITERS = intEnv("BENCH_WRITERS", 32);
    /** The durable side's appends: notes to the writer's own incident, or new alerts shaped like bench/webhook.sh's. */
    static final boolean DECLARES = "declares".equals(System.getenv("BENCH_LOAD"));
    static final long TURNAROUND_NANOS = intEnv("BENCH_TURNAROUND_US", 0) * 1000L;
    static final int RAW_BATCH = 100;
    static final String TYPE_PREFIX = "dev.incidentgateway";
    static final String SOURCE = "/api/v1"; // NewEvent.Builder's default source
    static final String NOTE_TYPE = EventType.NOTE.wireName();

    /** One measured phase. */
    record Phase(String name, long events, double seconds, long[] latencyNanos, long tx, double writerBusyNanos,
                 double commitNanos, double writerCpuNanos, double jvmCpuNanos, double medianRate) {
        Phase(String name, long events, double seconds, long[] latencyNanos, long tx, double writerBusyNanos,
              double commitNanos, double writerCpuNanos, double jvmCpuNanos) {
            this(name, events, seconds, latencyNanos, tx, writerBusyNanos, commitNanos, writerCpuNanos, jvmCpuNanos, Double.NaN);
        }
        /** events/s; for a phase measured in several rounds, the median of the rounds' rates. */
        double perSecond() { return Double.isNaN(medianRate) ? events / seconds : medianRate; }
        double eventsPerTx() { return tx == 0 ? Double.NaN : (double) events / tx; }
        double percentileMs(double p) {
            if (latencyNanos == null || latencyNanos.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * latencyNanos.length) - 1;
            return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, i))] / 1e6;
        }
    }

    /** @param profile the profile phase's {@link GroupAnatomy}, as printed ({@code null}: no profile) */
    record StoreResult(String store, String version, List<Phase> phases, List<Phase[]> rounds, String profile,
                       Phase profilePhase) {
        Phase phase(String prefix) {
            return phases.stream().filter(p -> p.name().equals(prefix)).findFirst()
                    .or(() -> phases.stream().filter(p -> p.name().startsWith(prefix)).findFirst()).orElseThrow();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("floor")) {
            floor(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        String h2Arg = args.length > 0 ? args[0].trim() : "";
        String pgArg = args.length > 1 ? args[1].trim() : "";
        System.out.printf(Locale.ROOT, "Append benchmark: %d cores, Java %s, %s %s; warmup %ds, 1 writer %ds, then %d rounds of "
                        + "(%d writers %ds, raw batch=%d %ds)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), WARMUP_S, SECONDS_1, ROUNDS, WRITERS, SECONDS_32,
                RAW_BATCH, SECONDS_RAW);

        System.out.printf(Locale.ROOT, "Durable load: %s; load average at start %s%n", DECLARES
                ? "new alerts (declares), asynchronous, turnaround " + TURNAROUND_NANOS / 1000 + " µs" : "notes", loadAverage());
        List<StoreResult> results = new ArrayList<>();
        boolean failed = false;
        if ("1".equals(System.getenv("BENCH_SKIP_H2"))) {
            System.out.println("H2: skipped (BENCH_SKIP_H2=1)");
        } else {
            try {
                results.add(runH2(h2Arg));
            } catch (Exception e) {
                failed = true;
                System.err.println("H2 run failed: " + e);
                e.printStackTrace();
            }
        }
        if (pgArg.isEmpty()) {
            System.out.println("PostgreSQL: skipped (no JDBC URL given)");
        } else {
            try {
                results.add(runPostgres(pgArg));
            } catch (Exception e) {
                failed = true;
                System.err.println("PostgreSQL run failed: " + e);
                e.printStackTrace();
            }
        }

        printTable(results);
        StoreCost.print(results);
        System.out.flush();
        for (StoreResult r : results) {
            Phase durable = r.phase("durable " + WRITERS);
            Phase raw = r.phase("raw batch=" + RAW_BATCH);
            Phase rows = r.phase(ROWS_ONLY);
            System.out.printf(Locale.ROOT, "append-floor store=%s load=%s group=%s durable_per_s=%d rows_only_per_s=%d "
                            + "durable_over_rows_only=%.2f rows_only_over_raw=%.2f%n",
                    r.store(), DECLARES ? "declares" : "notes", rows.name().substring(ROWS_ONLY.length()),
                    Math.round(durable.perSecond()), Math.round(rows.perSecond()), durable.perSecond() / rows.perSecond(),
                    rows.perSecond() / raw.perSecond());
        }
        for (StoreResult r : results) {
            Phase durable = r.phase("durable " + WRITERS);
            Phase raw = r.phase("raw batch=" + RAW_BATCH);
            System.out.printf(Locale.ROOT, "append-ratio store=%s writers=%d durable_per_s=%d raw_per_s=%d ratio=%.2f%n",
                    r.store(), WRITERS, Math.round(durable.perSecond()), Math.round(raw.perSecond()),
                    durable.perSecond() / raw.perSecond());
        }
        System.out.flush();
        System.exit(failed ? 1 : 0);
    }

    // ---------------------------------------------------------------- stores

    static StoreResult runH2(String arg) throws Exception {
        Path tempDir = null;
        String url = arg;
        if (url.isEmpty() || url.equals("auto")) {
            tempDir = Files.createTempDirectory("append-bench-h2-");
            url = "jdbc:h2:file:" + tempDir.resolve("timeline").toAbsolutePath();
        }
        System.out.println("\n== H2: " + url);
        try {
            return runStore("h2", url, "sa", "");
        } finally {
            if (tempDir != null) {
                deleteTree(tempDir);
            }
        }
    }

    static StoreResult runPostgres(String givenUrl) throws Exception {
        Map<String, String> params = queryParams(givenUrl);
        String user = params.getOrDefault("user", System.getenv().getOrDefault("BENCH_PG_USER", "postgres"));
        String password = params.getOrDefault("password", System.getenv().getOrDefault("BENCH_PG_PASSWORD", ""));
        String db = "bench_" + Long.toString(System.currentTimeMillis(), 36) + "_" + Integer.toString(new Random().nextInt(1 << 20), 36);
        try (Connection admin = DriverManager.getConnection(givenUrl, user, password); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        String url = withDatabase(givenUrl, db);
        System.out.println("\n== PostgreSQL: " + url + " (fresh database, dropped afterwards)");
        try {
            return runStore("postgresql", url, user, password);
        } finally {
            try (Connection admin = DriverManager.getConnection(givenUrl, user, password); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop database " + db + ": " + e.getMessage());
            }
        }
    }

    static StoreResult runStore(String storeName, String url, String user, String password) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_DB_URL", url);
        env.put("GATEWAY_DB_USER", user);
        env.put("GATEWAY_DB_PASSWORD", password);
        List<Phase> phases = new ArrayList<>();
        List<Phase[]> rounds = new ArrayList<>();
        String version;
        String profile = null;
        Phase profilePhase = null;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
            try (Connection c = ds.getConnection()) {
                version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            }
            System.out.println("   " + version);
            InstrumentedDataSource ids = new InstrumentedDataSource(ds);
            StoreCost.use(ds, storeName);
            TimelineStore store = new TimelineStore(ids, SqlDialect.forUrl(url), TYPE_PREFIX, 256, 10000,
                    new SimpleMeterRegistry(), dev.incidentgateway.audit.ChainKey.generate(),
                    // As the gateway wires it: on a fresh PostgreSQL store the writer's lookups keep sequential-scan
                    // generic plans until an ANALYZE (without it the declares load fell from ~450 to ~100 appends/s).
                    List.of(dev.incidentgateway.timeline.FreshStoreAnalyzer.forStore(ds, SqlDialect.forUrl(url))));
            try {
                String one = "BENCH-1";
                List<String> many = new ArrayList<>();
                for (int i = 1; i <= WRITERS; i++) {
                    many.add(String.format("BENCH-W%02d", i));
                }
                for (String incident : concat(List.of(one), many)) {
                    store.append(NewEvent.builder(EventType.DECLARE, "bench").incident(incident).title("benchmark " + incident)
                            .severity(Severity.SEV3).build());
                }
                // Warm-up: the JIT, the pool, the database caches (a few thousand appends and raw rows).
                Phase w1 = runWriters("warmup 1", store, ids, List.of(one), Math.max(1, WARMUP_S / 4));
                Phase wN = runWriters("warmup N", store, ids, many, Math.max(1, WARMUP_S - WARMUP_S / 4));
                rawInsert("warmup raw", ds, "BENCH-RAW-WARMUP", WRITERS, RAW_BATCH, Math.max(1, WARMUP_S / 2));
                System.out.printf(Locale.ROOT, "   warmed up: %d + %d appends%n", w1.events(), wN.events());

                phases.add(report(runWriters("durable 1 writer", store, ids, List.of(one), SECONDS_1)));
                // The headline pair is measured in alternating rounds, so that a disturbance (another process
                // on the machine, a checkpoint) hits both sides alike; each side reports its median round.
                List<Phase> durableRounds = new ArrayList<>();
                List<Phase> rawRounds = new ArrayList<>();
                for (int r = 1; r <= ROUNDS; r++) {
                    Phase d = report(runWriters("durable " + WRITERS + " writers #" + r, store, ids, many, SECONDS_32));
                    Phase w = report(rawInsert("raw batch=" + RAW_BATCH + " #" + r, ds, "BENCH-RAW-100-" + r, WRITERS, RAW_BATCH, SECONDS_RAW));
                    durableRounds.add(d);
                    rawRounds.add(w);
                    rounds.add(new Phase[]{d, w});
                }
                Phase durableN = merge("durable " + WRITERS + " writers", durableRounds);
                phases.add(durableN);
                phases.add(merge("raw batch=" + RAW_BATCH, rawRounds));
                int groupSize = (int) Math.max(1, Math.round(durableN.eventsPerTx()));
                if (groupSize != RAW_BATCH) {
                    phases.add(report(rawInsert("raw batch=" + groupSize, ds, "BENCH-RAW-G", WRITERS, groupSize, SECONDS_RAW)));
                }
                phases.add(report(rawInsert("raw " + RAW_BATCH + ", 1 incident", ds, "BENCH-RAW-ONE", 1, RAW_BATCH, SECONDS_RAW)));
                phases.add(report(rawInsert("raw batch=1", ds, "BENCH-RAW-1", WRITERS, 1, 2)));
                phases.add(report(rowsOnly(ROWS_ONLY + groupSize, ds, DECLARES, WRITERS, groupSize, SECONDS_RAW)));
                for (String extra : System.getenv().getOrDefault("BENCH_ROWS_ONLY_BATCHES", "").split(",")) {
                    if (!extra.isBlank()) { // what larger (or smaller) groups would leave of the floor
                        int b = Integer.parseInt(extra.trim());
                        phases.add(report(rowsOnly("rows only at batch=" + b, ds, DECLARES, WRITERS, b, SECONDS_RAW)));
                    }
                }
                long appended = many.size() + 1 + w1.events() + wN.events() + phases.get(0).events() + durableN.events();
                if (SECONDS_PROFILE > 0) {
                    GroupAnatomy anatomy = GroupAnatomy.start(ids, ds, storeName.equals("postgresql"));
                    profilePhase = runWriters("profile " + WRITERS + " writers", store, ids, many, SECONDS_PROFILE);
                    appended += profilePhase.events();
                    profile = anatomy.stop(profilePhase, storeName);
                }
                // Sanity check: every acknowledged append is in the table, and nothing else under these ids.
                try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM timeline_events WHERE incident_id LIKE 'BENCH-%' "
                             + "AND incident_id NOT LIKE 'BENCH-RAW%' OR incident_id LIKE 'INC-%'")) { // INC-<n>: BENCH_LOAD=declares
                    rs.next();
                    long stored = rs.getLong(1);
                    System.out.printf(Locale.ROOT, "   check: %d appends acknowledged, %d events stored: %s%n", appended, stored,
                            stored == appended ? "OK" : "MISMATCH");
                    if (stored != appended) {
                        throw new IllegalStateException("stored " + stored + " events but " + appended + " appends were acknowledged");
                    }
                }
            } finally {
                store.close();
            }
        }
        return new StoreResult(storeName, version, phases, rounds, profile, profilePhase);
    }

    /** Sums of the rounds, latencies pooled, rate = median of the rounds' rates. */
    static Phase merge(String name, List<Phase> rounds) {
        long events = 0, tx = 0;
        double secs = 0, busy = 0, commit = 0, wcpu = 0, jcpu = 0;
        int n = 0;
        for (Phase p : rounds) {
            events += p.events();
            tx += p.tx();
            secs += p.seconds();
            busy += p.writerBusyNanos();
            commit += p.commitNanos();
            wcpu += p.writerCpuNanos();
            jcpu += p.jvmCpuNanos();
            n += p.latencyNanos().length;
        }
        long[] all = new long[n];
        int off = 0;
        for (Phase p : rounds) {
            System.arraycopy(p.latencyNanos(), 0, all, off, p.latencyNanos().length);
            off += p.latencyNanos().length;
        }
        Arrays.sort(all);
        double[] rates = rounds.stream().mapToDouble(Phase::perSecond).sorted().toArray();
        double median = rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
        return new Phase(name, events, secs, all, tx, busy, commit, wcpu, jcpu, median);
    }

    static Phase report(Phase p) {
        System.out.printf(Locale.ROOT, "   %-20s %9d events in %5.1fs = %9.0f/s%n", p.name(), p.events(), p.seconds(), p.perSecond());
        return p;
    }

    // ---------------------------------------------------------------- durable appends

    static Phase runWriters(String name, TimelineStore store, InstrumentedDataSource ids, List<String> incidents, int seconds)
            throws InterruptedException {
        int n = incidents.size();
        long[][] latencies = new long[n][];
        long[] counts = new long[n];
        AtomicLong errors = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        String payload = "benchmark note: the append path under load, a realistic few words of text #";
        Thread[] threads = new Thread[n];
        for (int t = 0; t < n; t++) {
            final int idx = t;
            final String incident = incidents.get(t);
            threads[t] = new Thread(() -> {
                long[] lat = new long[1 << 14];
                int k = 0;
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = System.nanoTime() + seconds * 1_000_000_000L;
                long i = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= deadline) break;
                    try {
                        if (DECLARES) {
                            store.appendAllAsync(List.of(newAlert(i++))).join();
                        } else {
                            store.append(NewEvent.builder(EventType.NOTE, "bench").incident(incident).content(payload + (i++)).build());
                        }
                    } catch (RuntimeException e) {
                        if (errors.getAndIncrement() < 3) {
                            System.err.println("append failed: " + e);
                        }
                        continue;
                    }
                    long d = System.nanoTime() - t0;
                    if (k == lat.length) lat = Arrays.copyOf(lat, k * 2);
                    lat[k++] = d;
                    if (TURNAROUND_NANOS > 0) {
                        LockSupport.parkNanos(TURNAROUND_NANOS);
                    }
                }
                latencies[idx] = Arrays.copyOf(lat, k);
                counts[idx] = k;
            }, "bench-writer-" + t);
            threads[t].start();
        }
        ready.await();
        // The writer thread and the committer thread that writes its pipelined groups (TimelineWriter).
        Thread writer = findThread("timeline-writer");
        Thread committer = findThread("timeline-committer");
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long writerCpu0 = (writer == null ? 0 : tmx.getThreadCpuTime(writer.getId()))
                + (committer == null ? 0 : tmx.getThreadCpuTime(committer.getId()));
        double store0 = StoreCost.sample();
        long jvmCpu0 = processCpuNanos();
        long tx0 = ids.connections.sum(), busy0 = ids.busyNanos.sum(), commit0 = ids.commitNanos.sum();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        long elapsed = System.nanoTime() - start;
        long tx = ids.connections.sum() - tx0;
        long busy = ids.busyNanos.sum() - busy0, commit = ids.commitNanos.sum() - commit0;
        long writerCpu = (writer == null ? 0 : tmx.getThreadCpuTime(writer.getId()))
                + (committer == null ? 0 : tmx.getThreadCpuTime(committer.getId())) - writerCpu0;
        long jvmCpu = processCpuNanos() - jvmCpu0;
        if (errors.get() > 0) {
            throw new IllegalStateException(name + ": " + errors.get() + " appends failed");
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int off = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, off, l.length);
            off += l.length;
        }
        Arrays.sort(all);
        StoreCost.record(name, StoreCost.sample() - store0);
        return new Phase(name, total, elapsed / 1e9, all, tx, busy, commit, writerCpu, jvmCpu);
    }

    /**
     * A new alert as the Alertmanager webhook stores it: a declare with a new fingerprint, its correlation key and ce id
     * (bench/H2CommitBenchmark.java's declares load).
     */
    static NewEvent newAlert(long i) {
        String fingerprint = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title("HighLatency " + fingerprint).severity(Severity.SEV2)
                .correlationKey("alertmanager:" + fingerprint).ceId(fingerprint + ":firing:2026-12-01T15:00:00Z")
                .principal("webhook:alertmanager").source("/webhooks/alertmanager")
                .content("alert fired: a realistic description of the alert #" + i).build();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static Thread findThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .findFirst().orElse(null);
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    // ---------------------------------------------------------------- raw JDBC batch insert

    static final String INSERT = "INSERT INTO timeline_events (id, incident_id, seq, type, actor, title, content, event_time, "
            + "recorded_at, source, ce_id, ce_source, ce_type, data, prev_hash, hash, global_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    /** Rows shaped like appended notes, one connection, {@code batch} rows per commit, for {@code seconds}. */
    /**
     * Plain JDBC batches of {@code batch} rows, one commit each, spread round-robin over {@code incidents} incidents
     * (named {@code prefix-1 …}). The durable side writes to WRITERS incidents, and where an incident's rows go
     * matters: each incident has its own place in the (incident_id, seq) index, so on H2 (copy-on-write B-tree pages,
     * one chunk per commit) rows of 32 incidents write twice the bytes of rows of one. The headline raw rows therefore
     * use the durable side's incidents count; "raw 100, 1 incident" is the figure printed before 2026-12-01.
     */
    static Phase rawInsert(String name, DataSource ds, String prefix, int incidents, int batch, int seconds) throws SQLException {
        UlidFactory ulids = UlidFactory.newMonotonicInstance();
        String[] hashes = hashPool();
        String payload = "benchmark note: the append path under load, a realistic few words of text #";
        String ceType = TYPE_PREFIX + ".incident." + NOTE_TYPE;
        BatchTimes times = new BatchTimes();
        double store0 = StoreCost.sample();
        long jvmCpu0 = processCpuNanos();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                long seq = 0;
                long[] seqOf = new long[incidents];
                String[] prevOf = new String[incidents];
                Arrays.fill(prevOf, "0".repeat(64));
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    for (int i = 0; i < batch; i++) {
                        String id = ulids.create().toString();
                        String hash = hashes[(int) (seq % hashes.length)];
                        int incident = (int) (seq % incidents);
                        seq++;
                        ps.setString(1, id);
                        ps.setString(2, prefix + "-" + (incident + 1));
                        ps.setLong(3, ++seqOf[incident]);
                        ps.setString(4, NOTE_TYPE);
                        ps.setString(5, "bench");
                        ps.setNull(6, Types.VARCHAR);
                        ps.setString(7, payload + seq);
                        ps.setObject(8, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                        ps.setObject(9, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                        ps.setString(10, SOURCE);
                        ps.setString(11, id);
                        ps.setString(12, SOURCE);
                        ps.setString(13, ceType);
                        ps.setString(14, "{}");
                        ps.setString(15, prevOf[incident]);
                        ps.setString(16, hash);
                        ps.setString(17, hash); // same shape as the global chain's column
                        ps.addBatch();
                        prevOf[incident] = hash;
                    }
                    ps.executeBatch();
                    c.commit();
                    times.add(batch, System.nanoTime() - t0);
                }
            }
        }
        return times.phase(name, start, jvmCpu0, store0);
    }

    /** The batches of a raw phase: rows written and each batch's time, its commit included. */
    static final class BatchTimes {
        private long[] nanos = new long[1 << 12];
        private int batches;
        private long rows;

        void add(int batchRows, long batchNanos) {
            rows += batchRows;
            if (batches == nanos.length) nanos = Arrays.copyOf(nanos, batches * 2);
            nanos[batches++] = batchNanos;
        }

        /** The phase since {@code start}, with the JVM's and the store's cost since {@code jvmCpu0} and {@code store0}. */
        Phase phase(String name, long start, long jvmCpu0, double store0) {
            long elapsed = System.nanoTime() - start;
            long[] sorted = Arrays.copyOf(nanos, batches);
            Arrays.sort(sorted);
            long jvmCpu = processCpuNanos() - jvmCpu0;
            StoreCost.record(name, StoreCost.sample() - store0);
            return new Phase(name, rows, elapsed / 1e9, sorted, batches, Double.NaN, Double.NaN, Double.NaN, jvmCpu);
        }
    }

    // ---------------------------------------------------------------- the rows a durable append writes, and nothing else

    static final String ROWS_ONLY = "rows only, batch=";
    static final String INSERT_EVENT_ROW = "INSERT INTO timeline_events (id, incident_id, seq, type, actor, title, content, "
            + "event_time, recorded_at, source, ce_id, ce_source, ce_type, data, prev_hash, hash, principal, global_hash) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_VIEW = "INSERT INTO incidents (id, title, severity, status, commander, declared_at, "
            + "acknowledged_at, mitigated_at, resolved_at, closed_at, last_event_id, last_seq, last_hash, alert_repeats) "
            + "VALUES (?,?,'sev2','declared',NULL,?,NULL,NULL,NULL,NULL,?,?,?,0)";
    static final String UPDATE_VIEW_HEAD = "UPDATE incidents SET last_event_id = ?, last_seq = ?, last_hash = ? WHERE id = ?";
    static final String INSERT_KEY = "INSERT INTO correlation_keys (correlation_key, incident_id, bound_at) VALUES (?,?,?)";
    static final String COUNT_DECLARED = "UPDATE incident_status_counts SET incidents = incidents + ? WHERE status = 'declared'";

    /**
     * The store's own floor for the durable load: plain JDBC batches of exactly the rows a durable append of this load
     * must write in its transaction, {@code batch} appends (the group size the durable side reached) per commit, one
     * connection, nothing else. A note: its event row and its incident view's head (one UPDATE per incident in the batch).
     * A new alert ({@code BENCH_LOAD=declares}): its event row, a new incident view, its correlation key (random
     * fingerprints, as the durable side's) and, once per batch, the declared count. Left out, so the floor is if anything
     * too generous: the reads a durable append needs first (the dedup and correlation lookups, the incident number), the
     * append lock and head check, the hash chain, validation, and the durable side's larger {@code data}. No durable
     * path can outrun these rows; {@code durable_over_rows_only} says how much of the floor the gateway's machinery
     * leaves, {@code rows_only_over_raw} the highest append ratio a zero-cost machinery would print.
     */
    static Phase rowsOnly(String name, DataSource ds, boolean declares, int incidents, int batch, int seconds) throws SQLException {
        UlidFactory ulids = UlidFactory.newMonotonicInstance();
        Random rnd = new Random(); // unseeded: each call its own fingerprints (the unique ce id)
        String[] hashes = hashPool();
        String prefix = "BENCH-RAW-ROWS-" + Long.toString(System.nanoTime(), 36) + "-";
        String ceType = TYPE_PREFIX + ".incident." + (declares ? EventType.DECLARE.wireName() : NOTE_TYPE);
        String zeros = "0".repeat(64);
        BatchTimes times = new BatchTimes();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long[] seqOf = new long[incidents];
            String[] headOf = new String[incidents];
            String[] lastIdOf = new String[incidents];
            if (!declares) { // the notes' incidents, each with a view as a declare leaves it
                try (PreparedStatement v = c.prepareStatement(INSERT_VIEW)) {
                    Instant now = Instant.now();
                    for (int i = 0; i < incidents; i++) {
                        v.setString(1, prefix + (i + 1));
                        v.setString(2, "benchmark " + prefix + (i + 1));
                        v.setObject(3, now.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                        v.setString(4, ulids.create().toString());
                        v.setLong(5, 0);
                        v.setString(6, zeros);
                        v.addBatch();
                    }
                    v.executeBatch();
                }
                c.commit();
                Arrays.fill(headOf, zeros);
            }
            double store0 = StoreCost.sample();
            long jvmCpu0 = processCpuNanos();
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            long n = 0;
            try (PreparedStatement events = c.prepareStatement(INSERT_EVENT_ROW);
                 PreparedStatement views = c.prepareStatement(declares ? INSERT_VIEW : UPDATE_VIEW_HEAD);
                 PreparedStatement keys = c.prepareStatement(INSERT_KEY);
                 PreparedStatement counts = c.prepareStatement(COUNT_DECLARED)) {
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    java.time.OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
                    for (int i = 0; i < batch; i++, n++) {
                        String id = ulids.create().toString();
                        String hash = hashes[(int) (n % hashes.length)];
                        String incident;
                        long seq;
                        String prev;
                        String fingerprint = null;
                        if (declares) {
                            incident = prefix + n;
                            seq = 1;
                            prev = zeros;
                            fingerprint = HexFormat.of().formatHex(randomBytes(rnd, 8));
                        } else {
                            int slot = (int) (n % incidents);
                            incident = prefix + (slot + 1);
                            seq = ++seqOf[slot];
                            prev = headOf[slot];
                            headOf[slot] = hash;
                            lastIdOf[slot] = id;
                        }
                        events.setString(1, id);
                        events.setString(2, incident);
                        events.setLong(3, seq);
                        events.setString(4, declares ? EventType.DECLARE.wireName() : NOTE_TYPE);
                        events.setString(5, declares ? "alertmanager" : "bench");
                        events.setString(6, declares ? "HighLatency " + fingerprint : null);
                        events.setString(7, (declares ? "alert fired: a realistic description of the alert #"
                                : "benchmark note: the append path under load, a realistic few words of text #") + n);
                        events.setObject(8, at, Types.TIMESTAMP_WITH_TIMEZONE);
                        events.setObject(9, at, Types.TIMESTAMP_WITH_TIMEZONE);
                        events.setString(10, declares ? "/webhooks/alertmanager" : SOURCE);
                        events.setString(11, declares ? fingerprint + ":firing:2026-12-01T15:00:00Z" : id);
                        events.setString(12, declares ? "/webhooks/alertmanager" : SOURCE);
                        events.setString(13, ceType);
                        events.setString(14, "{}");
                        events.setString(15, prev);
                        events.setString(16, hash);
                        events.setString(17, declares ? "webhook:alertmanager" : "apikey:bench");
                        events.setString(18, hash);
                        events.addBatch();
                        if (declares) {
                            views.setString(1, incident);
                            views.setString(2, "HighLatency " + fingerprint);
                            views.setObject(3, at, Types.TIMESTAMP_WITH_TIMEZONE);
                            views.setString(4, id);
                            views.setLong(5, 1);
                            views.setString(6, hash);
                            views.addBatch();
                            keys.setString(1, "alertmanager:" + fingerprint);
                            keys.setString(2, incident);
                            keys.setObject(3, at, Types.TIMESTAMP_WITH_TIMEZONE);
                            keys.addBatch();
                        }
                    }
                    events.executeBatch();
                    if (declares) {
                        views.executeBatch();
                        keys.executeBatch();
                        counts.setLong(1, batch);
                        counts.executeUpdate();
                    } else { // each incident's head once, as the writer updates a view once per group
                        long first = n - batch;
                        for (long m = Math.max(first, n - incidents); m < n; m++) {
                            int slot = (int) (m % incidents);
                            views.setString(1, lastIdOf[slot]);
                            views.setLong(2, seqOf[slot]);
                            views.setString(3, headOf[slot]);
                            views.setString(4, prefix + (slot + 1));
                            views.addBatch();
                        }
                        views.executeBatch();
                    }
                    c.commit();
                    times.add(batch, System.nanoTime() - t0);
                }
            }
            return times.phase(name, start, jvmCpu0, store0);
        }
    }

    /**
     * {@code floor <batch> <seconds>}: the rows-only floor of new alerts ({@link #rowsOnly}, declares) on the store the
     * environment names as the gateway reads it ({@code GATEWAY_DB_URL}, …), for bench/WebhookBenchmark.java, which runs
     * it on its gateway's store after the gateway is gone: a warm-up of {@code seconds}, then the best of three rounds of
     * half as long. Last line: {@code rows-only load=declares batch=… per_s=…}.
     */
    static void floor(int batch, int seconds) throws Exception {
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(System.getenv(), Map.of()))) {
            String store = ds.getJdbcUrl().startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
            StoreCost.use(ds, store);
            // A fresh JVM on a store it has not read yet: the JIT (C2 takes seconds on H2's B-tree code) and the page
            // cache warm up first; then the best of three rounds, so that a disturbance does not lower the floor.
            rowsOnly("warm-up", ds, true, WRITERS, batch, seconds);
            Phase p = null;
            for (int r = 1; r <= 3; r++) {
                Phase round = rowsOnly("rows only #" + r, ds, true, WRITERS, batch, Math.max(1, seconds / 2));
                System.out.printf(Locale.ROOT, "rows only #%d: %.0f/s, %.1f µs JVM CPU per alert%n", r, round.perSecond(),
                        round.jvmCpuNanos() / 1e3 / round.events());
                p = p == null || round.perSecond() > p.perSecond() ? round : p;
            }
            double cost = StoreCost.of(store, p.name()) / p.events();
            System.out.printf(Locale.ROOT, "rows-only load=declares batch=%d per_s=%d jvm_cpu_us=%.1f %s p99_commit_ms=%.2f%n", batch,
                    Math.round(p.perSecond()), p.jvmCpuNanos() / 1e3 / p.events(), store.equals("h2")
                            ? String.format(Locale.ROOT, "write_bytes=%.0f", cost)
                            : String.format(Locale.ROOT, "pg_cpu_us=%.1f", cost / 1e3), p.percentileMs(99));
        }
    }

    /**
     * 1,024 hash-shaped values (64 hex digits) for the raw phases' hash columns, made before the clock starts: the rows'
     * shape, without a hash's CPU in the figures (no index is on them, so repeats do not matter).
     */
    static String[] hashPool() {
        Random rnd = new Random(42);
        String[] hashes = new String[1024];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = HexFormat.of().formatHex(randomBytes(rnd, 32));
        }
        return hashes;
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- output

    static void printTable(List<StoreResult> results) {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.println("Results (events/s of the rows measured in rounds: the median round; latency: per append call for");
        System.out.println(" durable phases, per batch incl. its commit for raw phases;");
        System.out.println(" writer busy = time the writer thread held a connection / wall time; jvm cpu = process CPU / (wall x "
                + cores + " cores))");
        String fmt = "%-11s %-20s %9s %7s %10s %8s %8s %8s %9s %10s %8s %8s %8s%n";
        System.out.printf(Locale.ROOT, fmt, "store", "phase", "events", "secs", "events/s", "p50 ms", "p99 ms", "tx",
                "events/tx", "commit ms", "wr busy", "wr cpu", "jvm cpu");
        for (StoreResult r : results) {
            for (Phase p : r.phases()) {
                boolean durable = !Double.isNaN(p.writerBusyNanos());
                System.out.printf(Locale.ROOT, fmt, r.store(), p.name(), p.events(), String.format(Locale.ROOT, "%.1f", p.seconds()),
                        String.format(Locale.ROOT, "%.0f", p.perSecond()),
                        String.format(Locale.ROOT, "%.2f", p.percentileMs(50)), String.format(Locale.ROOT, "%.2f", p.percentileMs(99)),
                        p.tx(), String.format(Locale.ROOT, "%.1f", p.eventsPerTx()),
                        durable ? String.format(Locale.ROOT, "%.3f", p.commitNanos() / p.tx() / 1e6) : "-",
                        durable ? pct(p.writerBusyNanos() / (p.seconds() * 1e9)) : "-",
                        durable ? pct(p.writerCpuNanos() / (p.seconds() * 1e9)) : "-",
                        pct(p.jvmCpuNanos() / (p.seconds() * 1e9 * cores)));
            }
        }
        System.out.println();
        System.out.println("Rounds (durable " + WRITERS + " writers vs raw batch=" + RAW_BATCH + ", alternating; the table shows the medians):");
        for (StoreResult r : results) {
            for (int i = 0; i < r.rounds().size(); i++) {
                Phase d = r.rounds().get(i)[0], w = r.rounds().get(i)[1];
                System.out.printf(Locale.ROOT, "  %-11s round %d: durable %8.0f/s (%.1f events/tx)  raw %8.0f/s  ratio %.2f%n",
                        r.store(), i + 1, d.perSecond(), d.eventsPerTx(), w.perSecond(), d.perSecond() / w.perSecond());
            }
        }
        for (StoreResult r : results) {
            if (r.profile() != null) {
                System.out.println();
                System.out.print(r.profile());
            }
        }
        System.out.println();
    }

    static String pct(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * f);
    }

    // ---------------------------------------------------------------- cost per event (diagnostic)

    /**
     * What each phase cost per event, steadier than events/s on a shared machine: the writer thread's CPU, the JVM's
     * CPU, and the store's own work — H2: bytes written to its file ({@code info.FILE_WRITE_BYTES}); PostgreSQL: CPU of
     * the benchmark database's backends (from /proc, so only for a server on this machine; NaN otherwise).
     */
    static final class StoreCost {
        static final Map<String, Double> BY_PHASE = new ConcurrentHashMap<>();
        static DataSource ds;
        static boolean h2;

        static void use(DataSource dataSource, String store) {
            ds = dataSource;
            h2 = store.equals("h2");
        }

        static void record(String phase, double delta) {
            BY_PHASE.put((h2 ? "h2/" : "postgresql/") + phase, delta);
        }

        /** H2: bytes written so far; PostgreSQL: CPU nanoseconds of the database's backends so far. */
        static double sample() {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                if (h2) {
                    try (ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                            + "WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
                        return rs.next() ? Double.parseDouble(rs.getString(1)) : Double.NaN;
                    }
                }
                double nanos = 0;
                try (ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
                    while (rs.next()) {
                        String[] f = Files.readString(Path.of("/proc/" + rs.getInt(1) + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
                        nanos += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1e7; // utime + stime, 100 ticks/s
                    }
                }
                return nanos;
            } catch (SQLException | IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        /** Sum over a phase's rounds ("name #1", "name #2", …) or the phase itself. */
        static double of(String store, String phase) {
            Double exact = BY_PHASE.get(store + "/" + phase);
            if (exact != null) return exact;
            return BY_PHASE.entrySet().stream().filter(e -> e.getKey().startsWith(store + "/" + phase + " #"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        static void print(List<StoreResult> results) {
            System.out.println("Cost per event (writer = timeline-writer + timeline-committer threads' CPU; jvm = process CPU; store = H2 file bytes "
                    + "written / PostgreSQL backends' CPU µs):");
            System.out.printf(Locale.ROOT, "  %-11s %-20s %12s %12s %12s%n", "store", "phase", "writer µs", "jvm µs", "store");
            for (StoreResult r : results) {
                for (Phase p : r.phases()) {
                    double store = of(r.store(), p.name()) / p.events();
                    System.out.printf(Locale.ROOT, "  %-11s %-20s %12s %12.1f %12.1f%n", r.store(), p.name(),
                            Double.isNaN(p.writerCpuNanos()) ? "-" : String.format(Locale.ROOT, "%.1f", p.writerCpuNanos() / p.events() / 1e3),
                            p.jvmCpuNanos() / p.events() / 1e3, r.store().equals("h2") ? store : store / 1e3);
                }
            }
            for (StoreResult r : results) {
                Phase d = r.phase("durable " + WRITERS), w = r.phase("raw batch=" + RAW_BATCH);
                double ds = of(r.store(), d.name()) / d.events(), rs = of(r.store(), w.name()) / w.events();
                String unit = r.store().equals("h2") ? "bytes" : "cpu_us";
                double scale = r.store().equals("h2") ? 1 : 1e3;
                System.out.printf(Locale.ROOT, "append-cost store=%s durable_writer_cpu_us=%.1f durable_jvm_cpu_us=%.1f raw_jvm_cpu_us=%.1f "
                                + "durable_store_%s=%.1f raw_store_%s=%.1f%n", r.store(), d.writerCpuNanos() / d.events() / 1e3,
                        d.jvmCpuNanos() / d.events() / 1e3, w.jvmCpuNanos() / w.events() / 1e3, unit, ds / scale, unit, rs / scale);
            }
        }
    }

    // ---------------------------------------------------------------- instrumentation

    /**
     * Wraps the pool handed to the TimelineStore: counts the writer's transactions (one getConnection per
     * group commit), times each from borrow to close and its commit(); in detailed mode also times every
     * round trip (statement execution, commit, rollback) by thread role and kind ({@link #time}). Only Connection
     * calls are proxied unless detailed is on.
     */
    static final class InstrumentedDataSource implements DataSource {
        final DataSource delegate;
        /** Transactions that committed (one per group); connections only read from (a pipelined group's lookups) are not counted. */
        final LongAdder connections = new LongAdder();
        final LongAdder busyNanos = new LongAdder();
        final LongAdder commitNanos = new LongAdder();
        volatile boolean detailed;
        /**
         * Detailed mode, by "role kind" (role: writer, committer, other thread): calls, wall ns, and the calling thread's
         * own CPU ns and run-queue wait ns during them (the rest of the wall time: waiting on the database).
         */
        final Map<String, LongAdder[]> statementNanos = new ConcurrentHashMap<>();

        InstrumentedDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            long t0 = System.nanoTime();
            Connection real = delegate.getConnection();
            if (detailed) time("borrow connection", System.nanoTime() - t0, null);
            boolean[] committed = {false};
            InvocationHandler h = (proxy, m, a) -> {
                String n = m.getName();
                boolean roundTrip = detailed && (n.equals("commit") || n.equals("rollback"));
                long[] sched = roundTrip ? Sched.self() : null;
                long s = System.nanoTime();
                try {
                    Object r = invoke(real, m, a);
                    if (detailed && n.equals("prepareStatement") && r instanceof PreparedStatement ps) {
                        return statementProxy(ps, (String) a[0]);
                    }
                    return r;
                } finally {
                    long d = System.nanoTime() - s;
                    if (roundTrip) time(n, d, sched);
                    if (n.equals("commit")) {
                        commitNanos.add(d);
                        if (!committed[0]) connections.increment();
                        committed[0] = true;
                    } else if (n.equals("close") && committed[0]) {
                        busyNanos.add(System.nanoTime() - t0);
                    }
                }
            };
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class}, h);
        }

        PreparedStatement statementProxy(PreparedStatement real, String sql) {
            String kind = kind(sql);
            InvocationHandler h = (proxy, m, a) -> {
                String n = m.getName();
                if (!n.startsWith("execute")) return invoke(real, m, a);
                long[] sched = Sched.self();
                long s = System.nanoTime();
                try {
                    return invoke(real, m, a);
                } finally {
                    time(kind, System.nanoTime() - s, sched);
                }
            };
            return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[]{PreparedStatement.class}, h);
        }

        static String kind(String sql) {
            String s = sql.trim().toUpperCase(Locale.ROOT);
            if (s.contains("PG_ADVISORY") && s.contains("INSERT INTO TIMELINE_EVENTS")) return "lock + rows (events, views, counts, keys)";
            if (s.contains("PG_ADVISORY")) return "advisory lock + head";
            if (s.startsWith("SELECT ID, GLOBAL_HASH FROM TIMELINE_EVENTS ORDER BY")) return "SELECT head";
            if (s.startsWith("SELECT MAX(ID)")) return "SELECT MAX(id)";
            if (s.startsWith("SELECT N, EXISTS")) return "SELECT incident numbers";
            if (s.contains("JOIN (VALUES") && s.contains("FROM CORRELATION_KEYS")) return "SELECT dedup + correlation";
            if (s.contains("JOIN (VALUES")) return "SELECT by ce id (dedup)";
            if (s.contains("FROM CORRELATION_KEYS")) return "SELECT correlation";
            if (s.startsWith("INSERT INTO TIMELINE_EVENTS")) return "INSERT timeline_events";
            if (s.startsWith("INSERT INTO INCIDENTS")) return "INSERT incidents";
            if (s.startsWith("UPDATE INCIDENTS")) return "UPDATE incidents (views)";
            if (s.startsWith("SELECT") && s.contains("FROM INCIDENTS")) return "SELECT incidents (preload)";
            return "other: " + (s.length() > 30 ? s.substring(0, 30) : s);
        }

        /** @param schedBefore the thread's {@link Sched#self} when the call began ({@code null}: not a round trip) */
        void time(String kind, long nanos, long[] schedBefore) {
            String name = Thread.currentThread().getName();
            String role = name.equals("timeline-writer") ? "writer" : name.equals("timeline-committer") ? "committer" : "other";
            long[] after = schedBefore == null ? null : Sched.self();
            LongAdder[] a = statementNanos.computeIfAbsent(role + " " + kind,
                    k -> new LongAdder[]{new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
            a[0].increment();
            a[1].add(nanos);
            if (after != null) {
                a[2].add(after[0] - schedBefore[0]);
                a[3].add(after[1] - schedBefore[1]);
            }
        }

        static Object invoke(Object target, Method m, Object[] a) throws Throwable {
            try {
                return m.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override public Connection getConnection(String u, String p) throws SQLException { return delegate.getConnection(u, p); }
        @Override public PrintWriter getLogWriter() throws SQLException { return delegate.getLogWriter(); }
        @Override public void setLogWriter(PrintWriter out) throws SQLException { delegate.setLogWriter(out); }
        @Override public void setLoginTimeout(int seconds) throws SQLException { delegate.setLoginTimeout(seconds); }
        @Override public int getLoginTimeout() throws SQLException { return delegate.getLoginTimeout(); }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { return delegate.getParentLogger(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { return delegate.unwrap(iface); }
        @Override public boolean isWrapperFor(Class<?> iface) throws SQLException { return delegate.isWrapperFor(iface); }
    }

    /** A thread's time on a CPU and waiting for one (ns so far), from Linux's schedstat; zeros where there is none. */
    static final class Sched {
        /** Opened by each thread for itself: the file then stays that thread's, and is read again from its start. */
        private static final ThreadLocal<RandomAccessFile> SELF = ThreadLocal.withInitial(() -> open("/proc/thread-self/schedstat"));

        /** This thread's {on-CPU ns, run-queue wait ns}. */
        static long[] self() {
            return read(SELF.get());
        }

        static boolean available() {
            return Files.isReadable(Path.of("/proc/thread-self/schedstat"));
        }

        /** The native id of the thread with this name (Linux keeps the first 15 characters; the newest if several), or -1. */
        static long tid(String name) {
            String comm = name.length() > 15 ? name.substring(0, 15) : name;
            long found = -1;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        if (Files.readString(t.resolve("comm")).trim().equals(comm)) {
                            found = Math.max(found, Long.parseLong(t.getFileName().toString()));
                        }
                    } catch (IOException | NumberFormatException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return -1;
            }
            return found;
        }

        static long[] ofThread(long tid) {
            if (tid < 0) {
                return new long[2];
            }
            try (RandomAccessFile f = new RandomAccessFile("/proc/self/task/" + tid + "/schedstat", "r")) {
                return read(f);
            } catch (IOException e) {
                return new long[2];
            }
        }

        private static RandomAccessFile open(String path) {
            try {
                return new RandomAccessFile(path, "r");
            } catch (IOException e) {
                return null;
            }
        }

        private static long[] read(RandomAccessFile f) {
            long[] v = new long[2];
            if (f == null) {
                return v;
            }
            try {
                byte[] b = new byte[128];
                f.seek(0);
                int n = f.read(b);
                String[] p = new String(b, 0, Math.max(0, n), StandardCharsets.US_ASCII).trim().split(" ");
                v[0] = Long.parseLong(p[0]);
                v[1] = Long.parseLong(p[1]);
            } catch (IOException | RuntimeException e) {
                // no schedstat: zeros
            }
            return v;
        }
    }

    /**
     * The profile phase's groups, per group and by thread: the writer thread's and the committer thread's round trips
     * (from {@link InstrumentedDataSource}'s detailed mode), and outside them the thread's CPU, its wait for a core and
     * where it was parked (JFR jdk.ThreadPark, by the innermost gateway method on the stack); on PostgreSQL the WAL
     * fsyncs (pg_stat_wal) and the database backends' CPU ({@link StoreCost}).
     */
    static final class GroupAnatomy {
        /** Role → thread name, in print order. */
        static final Map<String, String> THREADS = new LinkedHashMap<>();

        static {
            THREADS.put("writer", "timeline-writer");
            THREADS.put("committer", "timeline-committer");
        }

        final InstrumentedDataSource ids;
        final DataSource ds;
        final boolean pg;
        final Map<String, Long> tids = new LinkedHashMap<>();
        final Map<String, long[]> sched0 = new LinkedHashMap<>();
        final double[] wal0;
        final double store0;
        final Recording jfr;
        final String load0;
        final long t0;

        private GroupAnatomy(InstrumentedDataSource ids, DataSource ds, boolean pg) {
            this.ids = ids;
            this.ds = ds;
            this.pg = pg;
            this.load0 = loadAverage();
            this.wal0 = pg ? wal() : null;
            this.jfr = new Recording();
            jfr.enable("jdk.ThreadPark").withThreshold(java.time.Duration.ZERO).withStackTrace();
            jfr.start();
            ids.statementNanos.clear();
            ids.detailed = true;
            THREADS.forEach((role, thread) -> tids.put(role, Sched.tid(thread)));
            tids.forEach((role, tid) -> sched0.put(role, Sched.ofThread(tid)));
            this.store0 = StoreCost.sample();
            this.t0 = System.nanoTime();
        }

        static GroupAnatomy start(InstrumentedDataSource ids, DataSource ds, boolean pg) {
            return new GroupAnatomy(ids, ds, pg);
        }

        /** Ends the recording and returns the anatomy as printed. */
        String stop(Phase phase, String store) throws IOException {
            long wall = System.nanoTime() - t0;
            Map<String, long[]> sched = new LinkedHashMap<>();
            tids.forEach((role, tid) -> {
                long[] now = Sched.ofThread(tid), before = sched0.get(role);
                sched.put(role, new long[]{now[0] - before[0], now[1] - before[1]});
            });
            double storeCpu = StoreCost.sample() - store0;
            ids.detailed = false;
            double[] wal = pg ? wal() : null;
            String load1 = loadAverage();
            jfr.stop();
            Path file = Files.createTempFile("append-profile-", ".jfr");
            Map<String, Map<String, double[]>> parked = new LinkedHashMap<>();
            try {
                jfr.dump(file);
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    String role = e.getThread() == null ? null : roleOf(e.getThread().getJavaName());
                    if (role != null) {
                        double[] v = parked.computeIfAbsent(role, k -> new LinkedHashMap<>())
                                .computeIfAbsent(where(e.getStackTrace()), k -> new double[2]);
                        v[0]++;
                        v[1] += e.getDuration().toNanos();
                    }
                }
            } finally {
                jfr.close();
                Files.deleteIfExists(file);
            }
            double groups = 0;
            for (String role : THREADS.keySet()) {
                LongAdder[] c = ids.statementNanos.get(role + " commit");
                groups += c == null ? 0 : c[0].sum();
            }
            StringBuilder out = new StringBuilder();
            java.util.Formatter f = new java.util.Formatter(out, Locale.ROOT);
            f.format("Group anatomy, %s (%s, %s): %d events in %.0f groups, %.1f events/group, %.0f groups/s, %.3f ms wall per group%n",
                    store, phase.name(), DECLARES ? "new alerts, turnaround " + TURNAROUND_NANOS / 1000 + " µs" : "notes",
                    phase.events(), groups, phase.events() / groups, groups / (wall / 1e9), wall / groups / 1e6);
            f.format("  load average %s at the start, %s at the end; process CPU %.1f µs/event; statement timing and JFR on%s%n", load0, load1,
                    phase.jvmCpuNanos() / phase.events() / 1e3, Sched.available() ? "" : "; no /proc/thread-self/schedstat: CPU in round trips unknown");
            f.format("  per group, ms (calls per group)       %7s %8s | in round trips: %7s %7s %7s%n", "calls", "ms", "own cpu", "runq", "db+net");
            for (String role : THREADS.keySet()) {
                long[] total = sched.get(role);
                f.format("  %s thread (%s, tid %d): on CPU %.3f ms, waiting for a core %.3f ms per group%n", role, THREADS.get(role),
                        tids.get(role), total[0] / groups / 1e6, total[1] / groups / 1e6);
                double rtCalls = 0, rtWall = 0, rtCpu = 0, rtRq = 0;
                List<String> kinds = ids.statementNanos.keySet().stream().filter(k -> k.startsWith(role + " ")).sorted().toList();
                for (String k : kinds) {
                    LongAdder[] v = ids.statementNanos.get(k);
                    String kind = k.substring(role.length() + 1);
                    if (kind.equals("borrow connection")) {
                        f.format("    (borrow connection: %.2f per group, %.3f ms, part of the time outside round trips)%n",
                                v[0].sum() / groups, v[1].sum() / groups / 1e6);
                        continue;
                    }
                    rtCalls += v[0].sum();
                    rtWall += v[1].sum();
                    rtCpu += v[2].sum();
                    rtRq += v[3].sum();
                    f.format("    round trip %-33s %7.2f %8.3f | %7.3f %7.3f %7.3f   (%.3f ms each)%n", kind, v[0].sum() / groups,
                            v[1].sum() / groups / 1e6, v[2].sum() / groups / 1e6, v[3].sum() / groups / 1e6,
                            (v[1].sum() - v[2].sum() - v[3].sum()) / groups / 1e6, v[1].sum() / v[0].sum() / 1e6);
                }
                f.format("    round trips, all %-33s %7.2f %8.3f | %7.3f %7.3f %7.3f%n", "", rtCalls / groups, rtWall / groups / 1e6,
                        rtCpu / groups / 1e6, rtRq / groups / 1e6, (rtWall - rtCpu - rtRq) / groups / 1e6);
                double cpuOut = total[0] - rtCpu, rqOut = total[1] - rtRq;
                f.format("    outside round trips: on CPU (Java) %-17s %8.3f%n", "", cpuOut / groups / 1e6);
                f.format("    outside round trips: waiting for a core %-12s %8.3f%n", "", rqOut / groups / 1e6);
                double parkedNanos = 0;
                List<Map.Entry<String, double[]>> places = new ArrayList<>(parked.getOrDefault(role, Map.of()).entrySet());
                places.sort((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]));
                for (Map.Entry<String, double[]> p : places) {
                    parkedNanos += p.getValue()[1];
                    f.format("    parked in %-42s %7.2f %8.3f%n", p.getKey(), p.getValue()[0] / groups, p.getValue()[1] / groups / 1e6);
                }
                // A parked thread's wait for a core after its wake-up is in both its park (JFR) and its run-queue time
                // (schedstat), so on a busy machine this can be negative.
                f.format("    rest (wall - all of the above) %-21s %8.3f%n", "", (wall - rtWall - cpuOut - rqOut - parkedNanos) / groups / 1e6);
            }
            if (pg) {
                f.format("  database: backends' CPU %.3f ms per group (%.1f µs/event); WAL %.2f fsyncs per group, %s; %.2f WAL writes per group%n",
                        storeCpu / groups / 1e6, storeCpu / phase.events() / 1e3, (wal[0] - wal0[0]) / groups,
                        wal[4] > 0 ? String.format(Locale.ROOT, "%.3f ms each", (wal[1] - wal0[1]) / Math.max(1, wal[0] - wal0[0]))
                                : "their time not tracked (track_wal_io_timing=off)", (wal[2] - wal0[2]) / groups);
            }
            return out.toString();
        }

        static String roleOf(String threadName) {
            for (Map.Entry<String, String> t : THREADS.entrySet()) {
                if (t.getValue().equals(threadName)) {
                    return t.getKey();
                }
            }
            return null;
        }

        /** Where a thread parked: the executor's wait for a task, else the innermost gateway method on its stack. */
        static String where(RecordedStackTrace stack) {
            if (stack == null) {
                return "?";
            }
            List<RecordedFrame> frames = stack.getFrames();
            for (RecordedFrame fr : frames) {
                String type = fr.getMethod().getType().getName();
                if (type.equals("java.util.concurrent.ThreadPoolExecutor") && fr.getMethod().getName().equals("getTask")) {
                    return "ThreadPoolExecutor.getTask (waits for a group)";
                }
                if (type.startsWith("dev.incidentgateway.")) {
                    return type.substring(type.lastIndexOf('.') + 1) + "." + fr.getMethod().getName();
                }
            }
            for (RecordedFrame fr : frames) {
                String type = fr.getMethod().getType().getName();
                if (!type.startsWith("jdk.internal.") && !type.startsWith("java.util.concurrent.locks.")
                        && !type.equals("java.util.concurrent.ForkJoinPool")) {
                    return type.substring(type.lastIndexOf('.') + 1) + "." + fr.getMethod().getName();
                }
            }
            return "?";
        }

        /** pg_stat_wal: fsyncs, their ms, WAL writes, their ms, and 1 when track_wal_io_timing is on. */
        double[] wal() {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT wal_sync, wal_sync_time, wal_write, wal_write_time, "
                         + "current_setting('track_wal_io_timing') = 'on' FROM pg_stat_wal")) {
                rs.next();
                return new double[]{rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getBoolean(5) ? 1 : 0};
            } catch (SQLException e) {
                return new double[5];
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static <T> List<T> concat(List<T> a, List<T> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
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

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
