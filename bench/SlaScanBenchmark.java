// SLA tracker cost per changed incident (issue 13), on H2 and on PostgreSQL in one run.
//
//   java -cp target/incident-gateway.jar bench/SlaScanBenchmark.java <h2-jdbc-url|""> <pg-jdbc-url|"">
//
// An empty H2 argument means a new file in a temp dir; a PostgreSQL URL names a server on which a fresh database
// bench_sla_<random> is created (and dropped afterwards); an empty one skips PostgreSQL. For each store it declares
// BENCH_SLA_INCIDENTS (20,000) new incidents per round, shaped like webhook ingest (a declare with alert labels as
// data, severities sev1..sev4; every 4th also acknowledged, every 3rd with a note, every 10th declared 6 hours ago so
// its warnings and breaches are due), then times one SlaTracker.dueNotes() scan over them: the thread's CPU time
// (ThreadMXBean) and wall time. The due notes are appended after each scan (untimed), as the tracker route does.
// Rounds (BENCH_SLA_ROUNDS, 3, after one warm-up round of a quarter the size), all changed rounds before the first ones:
//   changed    a tracker past its first scan finds the round's incidents by their events since its last scan
//   first      a new tracker's first scan walks every unsettled incident (after a restart, a bulk load)
// With BENCH_SLA_PG_PID (the postmaster's pid, first line of its postmaster.pid) on the same machine it also
// reports the PostgreSQL server processes' CPU during the scan (server_cpu_us_per_incident).
// BENCH_SLA_SHAPE=declared makes every incident a lone declare timed now, as sustained webhook ingest brings them (no
// note, no ack, no late declare): all of them are new incidents on which no note can be due yet, which a tracker since
// session 38 leaves to its declare cursor (SlaDeclareCursor) instead of looking at them. The default shape (mixed) is
// the one above: about 47 % of its incidents are such lone declares.
// Last lines, one per store and kind (the median round; " shape=declared" after the kind with that shape):
//   sla-scan store=h2 kind=changed incidents=20000 cpu_us_per_incident=<n> wall_ms=<n> notes_due=<n>

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.sla.SlaPolicies;
import dev.incidentgateway.sla.SlaPolicyFile;
import dev.incidentgateway.sla.SlaTracker;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class SlaScanBenchmark {
    static final int INCIDENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SLA_INCIDENTS", "20000"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SLA_ROUNDS", "3"));
    /** Rounds of first scans (BENCH_SLA_FIRST_ROUNDS, as many as the changed ones; 0 to profile those alone). */
    static final int FIRST_ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SLA_FIRST_ROUNDS", String.valueOf(ROUNDS)));
    /** mixed (the default: notes, acks, late declares) or declared (lone declares timed now, as webhook ingest). */
    static final String SHAPE = System.getenv().getOrDefault("BENCH_SLA_SHAPE", "mixed");
    static final boolean LONE_DECLARES = SHAPE.equals("declared");
    static final List<String> LINES = new ArrayList<>();
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static int next = 1;

    /** The PostgreSQL server's postmaster (BENCH_SLA_PG_PID): its children's CPU is the server side of a scan. */
    static final long PG_PID = Long.parseLong(System.getenv().getOrDefault("BENCH_SLA_PG_PID", "0"));
    static boolean serverCpu;
    static String pgDatabase = "";

    record Scan(int incidents, long cpuNanos, long wallNanos, int due, long serverNanos) {
        double cpuMicrosPerIncident() {
            return cpuNanos / 1e3 / incidents;
        }
    }

    public static void main(String[] args) throws Exception {
        if (!LONE_DECLARES && !SHAPE.equals("mixed")) {
            throw new IllegalArgumentException("BENCH_SLA_SHAPE: mixed or declared, got " + SHAPE);
        }
        String h2 = args.length > 0 ? args[0] : "";
        String pg = args.length > 1 ? args[1] : "";
        Path temp = null;
        if (h2.isEmpty()) {
            temp = Files.createTempDirectory("sla-bench-h2-");
            h2 = "jdbc:h2:file:" + temp.resolve("timeline").toAbsolutePath();
        }
        run("h2", h2);
        if (!pg.isEmpty()) {
            String db = "bench_sla_" + Integer.toString(new Random().nextInt(1 << 24), 36);
            try (Connection admin = DriverManager.getConnection(pg); Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            }
            serverCpu = true;
            pgDatabase = db;
            try {
                run("postgresql", pg.replaceFirst("/[^/?]+(\\?|$)", "/" + db + "$1"));
            } finally {
                try (Connection admin = DriverManager.getConnection(pg); Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
        }
        LINES.forEach(System.out::println);
        System.exit(0);
    }

    static void run(String storeName, String url) throws Exception {
        System.out.println("== " + storeName + ": " + url);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_DB_URL", url);
        env.put("GATEWAY_DB_USER", storeName.equals("h2") ? "sa" : "postgres");
        env.put("GATEWAY_DB_PASSWORD", "");
        next = 1;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
            TimelineStore store = new TimelineStore(ds, SqlDialect.forUrl(url), "dev.incidentgateway", 256, 10000,
                    new SimpleMeterRegistry(), dev.incidentgateway.audit.ChainKey.generate(), List.of());
            SlaPolicies policies = SlaPolicyFile.load("", "GATEWAY_SLA_FILE");
            SlaTracker tracker = new SlaTracker(store, policies, Clock.systemUTC(), new SimpleMeterRegistry());
            scan(store, tracker, 0); // the first scan of an empty store: from now on the tracker follows changes
            declare(store, INCIDENTS / 4);
            System.out.printf(Locale.ROOT, "   warm-up changed %s%n", describe(scan(store, tracker, INCIDENTS / 4)));
            List<Scan> changed = new ArrayList<>();
            List<Scan> first = new ArrayList<>();
            // The changed rounds first, then the first scans: a first scan walks every incident row, which on H2 pushes the
            // recent pages out of the cache that a gateway's scans every 30 s find there.
            for (int r = 1; r <= ROUNDS; r++) {
                declare(store, INCIDENTS);
                Scan c = scan(store, tracker, INCIDENTS);
                changed.add(c);
                System.out.printf(Locale.ROOT, "   round %d: changed %s%n", r, describe(c));
            }
            for (int r = 1; r <= FIRST_ROUNDS; r++) {
                declare(store, INCIDENTS);
                Scan f = scan(store, new SlaTracker(store, policies, Clock.systemUTC(), new SimpleMeterRegistry()), INCIDENTS);
                first.add(f);
                System.out.printf(Locale.ROOT, "   round %d: first %s%n", r, describe(f));
            }
            line(storeName, "changed", changed);
            if (!first.isEmpty()) {
                line(storeName, "first", first);
            }
            store.close();
        }
    }

    static void line(String storeName, String kind, List<Scan> scans) {
        Scan m = scans.stream().sorted(Comparator.comparingLong(Scan::cpuNanos)).toList().get(scans.size() / 2);
        LINES.add(String.format(Locale.ROOT, "sla-scan store=%s kind=%s%s incidents=%d cpu_us_per_incident=%.1f wall_ms=%.0f notes_due=%d%s",
                storeName, kind, LONE_DECLARES ? " shape=declared" : "", m.incidents(), m.cpuMicrosPerIncident(), m.wallNanos() / 1e6, m.due(),
                serverCpu && PG_PID != 0 ? String.format(Locale.ROOT, " server_cpu_us_per_incident=%.1f", m.serverNanos() / 1e3 / m.incidents()) : ""));
    }

    static String describe(Scan s) {
        return String.format(Locale.ROOT, "%d incidents: cpu %.0f ms (%.1f us/incident), wall %.0f ms, %d notes due%s",
                s.incidents(), s.cpuNanos() / 1e6, s.cpuMicrosPerIncident(), s.wallNanos() / 1e6, s.due(),
                serverCpu && PG_PID != 0 ? String.format(Locale.ROOT, ", server cpu %.0f ms", s.serverNanos() / 1e6) : "");
    }

    /** One timed scan; its due notes are then appended (untimed), as the tracker route does. */
    static Scan scan(TimelineStore store, SlaTracker tracker, int incidents) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long server = serverCpuNanos();
        long wall = System.nanoTime();
        List<NewEvent> due = tracker.dueNotes();
        Scan s = new Scan(Math.max(1, incidents), THREADS.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall, due.size(),
                serverCpuNanos() - server);
        for (int i = 0; i < due.size(); i += 200) {
            store.appendAll(due.subList(i, Math.min(due.size(), i + 200)));
        }
        return s;
    }

    /** CPU time of the PostgreSQL server's processes (children of BENCH_SLA_PG_PID) while measuring it, else 0. */
    static long serverCpuNanos() {
        if (!serverCpu || PG_PID == 0) {
            return 0;
        }
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // f[0] is the state, f[1] the parent; utime, stime at 11, 12. Only the benchmark database's backends
                    // (their title names it): not autovacuum, the checkpointer or another client's backends.
                    if (Long.parseLong(f[1]) == PG_PID && Files.readString(p.resolve("cmdline")).contains(" " + pgDatabase + " ")) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    /** {@code n} new incidents shaped like webhook ingest, appended in batches of 100 incidents. */
    static void declare(TimelineStore store, int n) {
        Instant now = Instant.now();
        List<NewEvent> batch = new ArrayList<>();
        for (int k = 0; k < n; k++, next++) {
            String id = String.format(Locale.ROOT, "SLA-%07d", next);
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            ObjectNode labels = data.putObject("labels");
            labels.put("alertname", "HighLatency").put("instance", "web-" + next + ":9100").put("job", "node")
                    .put("severity", "critical");
            data.putObject("annotations").put("summary", "p99 latency above 500 ms").put("runbook", "https://runbooks/latency");
            data.put("fingerprint", Long.toHexString(next * 0x9E3779B97F4A7C15L));
            Instant declared = next % 10 == 0 && !LONE_DECLARES ? now.minus(Duration.ofHours(6)) : now;
            batch.add(NewEvent.builder(EventType.DECLARE, "alertmanager").incident(id).title("HighLatency on web-" + next)
                    .severity(Severity.values()[next % 4]).content("p99 latency above 500 ms for 5 minutes").data(data)
                    .eventTime(declared).build());
            if (next % 3 == 0 && !LONE_DECLARES) {
                batch.add(NewEvent.builder(EventType.NOTE, "alice").incident(id).content("looking into it").eventTime(declared).build());
            }
            if (next % 4 == 0 && !LONE_DECLARES) {
                batch.add(NewEvent.builder(EventType.ACK, "alice").incident(id).eventTime(declared.plusSeconds(60)).build());
            }
            if (batch.size() >= 150) {
                store.appendAll(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.appendAll(batch);
        }
    }
}
