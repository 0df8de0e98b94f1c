// Outbox claim cost against the backlog (issue 13, delivery): the claim the relay makes (OutboxStore.claimDue, up to 8
// rows) timed on a store with BENCH_CLAIM_SMALL (10,000) and on one with BENCH_CLAIM_LARGE (100,000) pending rows, on H2
// and PostgreSQL, in alternating rounds of BENCH_CLAIM_BATCH (50) claims (BENCH_CLAIM_ROUNDS = 4 rounds per side).
// Rows: incidents of 5 events, all pending and due, oldest first (a burst that is being drained). After each claim the
// claimed rows are recorded delivered (which makes their incident's next row due again) and as many new rows are added,
// so the backlog stays at its size. Also times the claim query of before issue 13 (NOT EXISTS, ORDER BY id) a few
// times on each side, and prints the query plans (H2 EXPLAIN ANALYZE, PostgreSQL EXPLAIN (ANALYZE, BUFFERS)).
//
//   java -cp target/incident-gateway.jar bench/ClaimCostBenchmark.java <h2-dir> [<postgresql-jdbc-url>]
//
// Last lines, one per store:
//   delivery-claim store=h2 pending_small=10000 pending_large=100000 claim_p50_ms_small=<x> claim_p50_ms_large=<x>
//     claim_p99_ms_small=<x> claim_p99_ms_large=<x> large_over_small_p50=<x> old_query_ms_small=<x> old_query_ms_large=<x> oth_cpu=<x>
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.outbox.OutboxStore;
import dev.incidentgateway.store.StoreFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class ClaimCostBenchmark {
    static final int SMALL = intEnv("BENCH_CLAIM_SMALL", 10_000);
    static final int LARGE = intEnv("BENCH_CLAIM_LARGE", 100_000);
    static final int BATCH = intEnv("BENCH_CLAIM_BATCH", 50);
    static final int ROUNDS = intEnv("BENCH_CLAIM_ROUNDS", 4);
    static final String CONNECTOR = "bench";
    static final String OLD_QUERY = "SELECT id FROM outbox o WHERE o.connector = ? AND o.status = 'pending' "
            + "AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.connector = o.connector "
            + "AND p.incident_id = o.incident_id AND p.event_seq < o.event_seq AND p.status IN ('pending', 'dead')) "
            + "ORDER BY o.id LIMIT ?";

    /** One store of one size: its pool, its rows so far. */
    static final class Side {
        final String name;
        final int pending;
        final HikariDataSource ds;
        final OutboxStore outbox;
        long nextRow;
        final List<Long> claimNanos = new ArrayList<>();
        final List<Long> oldNanos = new ArrayList<>();

        Side(String name, int pending, HikariDataSource ds) {
            this.name = name;
            this.pending = pending;
            this.ds = ds;
            this.outbox = new OutboxStore(ds);
        }
    }

    public static void main(String[] args) throws Exception {
        Path h2Dir = Path.of(args[0]);
        String pgUrl = args.length > 1 ? args[1] : "";
        System.out.printf(Locale.ROOT, "Outbox claim cost: %d and %d pending rows (incidents of 5), claims of 8, %d rounds of %d "
                + "claims per side, alternating%n", SMALL, LARGE, ROUNDS, BATCH);
        List<String> lines = new ArrayList<>();
        lines.add(run("h2", url -> url, "jdbc:h2:file:" + h2Dir.resolve("small").toAbsolutePath(),
                "jdbc:h2:file:" + h2Dir.resolve("large").toAbsolutePath(), "sa", ""));
        if (!pgUrl.isEmpty()) {
            String user = "postgres";
            String small = "claim_small_" + System.currentTimeMillis() % 100000;
            String large = "claim_large_" + System.currentTimeMillis() % 100000;
            try (Connection admin = DriverManager.getConnection(pgUrl); Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE " + small);
                s.execute("CREATE DATABASE " + large);
            }
            try {
                lines.add(run("postgresql", url -> url, withDatabase(pgUrl, small), withDatabase(pgUrl, large), user, ""));
            } finally {
                try (Connection admin = DriverManager.getConnection(pgUrl); Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + small + " WITH (FORCE)");
                    s.execute("DROP DATABASE IF EXISTS " + large + " WITH (FORCE)");
                }
            }
        }
        lines.forEach(System.out::println);
    }

    interface UrlMap {
        String map(String url);
    }

    static String run(String store, UrlMap m, String smallUrl, String largeUrl, String user, String password) throws Exception {
        System.out.println("\n== " + store);
        try (HikariDataSource small = open(smallUrl, user, password); HikariDataSource large = open(largeUrl, user, password)) {
            Side s = new Side("small", SMALL, small);
            Side l = new Side("large", LARGE, large);
            for (Side side : List.of(s, l)) {
                long t0 = System.nanoTime();
                addRows(side, side.pending);
                analyze(side, store);
                System.out.printf(Locale.ROOT, "   %s: %d pending rows loaded in %.1f s%n", side.name, side.pending, (System.nanoTime() - t0) / 1e9);
            }
            long[] cpu0 = cpu();
            for (int r = 0; r < ROUNDS; r++) {
                for (Side side : r % 2 == 0 ? List.of(s, l) : List.of(l, s)) {
                    claims(side, BATCH);
                    oldQuery(side);
                }
            }
            long[] cpu1 = cpu();
            double oth = othersCpu(cpu0, cpu1);
            for (Side side : List.of(s, l)) {
                System.out.printf(Locale.ROOT, "   %-5s pending %7d: %d claims, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; "
                                + "query before issue 13: median %.1f ms (%d runs)%n", side.name, side.pending, side.claimNanos.size(),
                        pct(side.claimNanos, 50), pct(side.claimNanos, 90), pct(side.claimNanos, 99), pct(side.claimNanos, 100),
                        pct(side.oldNanos, 50), side.oldNanos.size());
            }
            System.out.println("   plan of the claim query at " + LARGE + " pending rows:");
            plan(l, store);
            return String.format(Locale.ROOT, "delivery-claim store=%s pending_small=%d pending_large=%d claim_p50_ms_small=%.2f "
                            + "claim_p50_ms_large=%.2f claim_p99_ms_small=%.2f claim_p99_ms_large=%.2f large_over_small_p50=%.2f "
                            + "old_query_ms_small=%.1f old_query_ms_large=%.1f oth_cpu=%.0f%%", store, SMALL, LARGE,
                    pct(s.claimNanos, 50), pct(l.claimNanos, 50), pct(s.claimNanos, 99), pct(l.claimNanos, 99),
                    pct(l.claimNanos, 50) / pct(s.claimNanos, 50), pct(s.oldNanos, 50), pct(l.oldNanos, 50), oth * 100);
        }
    }

    static HikariDataSource open(String url, String user, String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_DB_URL", url);
        env.put("GATEWAY_DB_USER", user);
        env.put("GATEWAY_DB_PASSWORD", password);
        return StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()));
    }

    /** {@code n} pending rows, due in the past in insertion order, 5 per incident. */
    static void addRows(Side side, int n) throws Exception {
        Instant base = Instant.now().minus(1, ChronoUnit.DAYS);
        try (Connection c = side.ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (connector, "
                + "incident_id, event_id, event_seq, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                long row = side.nextRow++;
                var at = base.plusMillis(row).atOffset(ZoneOffset.UTC);
                ps.setString(1, CONNECTOR);
                ps.setString(2, "C-" + (row / 5));
                ps.setString(3, String.format("%026d", row));
                ps.setLong(4, row % 5 + 1);
                ps.setObject(5, at);
                ps.setObject(6, at);
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    static void analyze(Side side, String store) throws Exception {
        try (Connection c = side.ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(store.equals("h2") ? "ANALYZE" : "ANALYZE outbox");
        }
    }

    /** Claims as the relay does, records the claimed rows delivered, and tops the backlog up again. */
    static void claims(Side side, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            List<OutboxItem> claimed = side.outbox.claimDue(CONNECTOR, 8, now, now.plusSeconds(90));
            side.claimNanos.add(System.nanoTime() - t0);
            for (OutboxItem item : claimed) {
                side.outbox.delivered(item, null, now, null);
            }
            addRows(side, claimed.size());
        }
    }

    static void oldQuery(Side side) throws Exception {
        try (Connection c = side.ds.getConnection(); PreparedStatement ps = c.prepareStatement(OLD_QUERY)) {
            ps.setString(1, CONNECTOR);
            ps.setObject(2, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setInt(3, 8);
            long t0 = System.nanoTime();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1);
                }
            }
            side.oldNanos.add(System.nanoTime() - t0);
        }
    }

    static void plan(Side side, String store) throws Exception {
        String q = OutboxStore.claimQuery().replaceFirst("\\?", "'" + CONNECTOR + "'")
                .replaceFirst("\\?", store.equals("h2") ? "CURRENT_TIMESTAMP" : "now()").replaceFirst("\\?", "40");
        try (Connection c = side.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery((store.equals("h2") ? "EXPLAIN ANALYZE " : "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ") + q)) {
            while (rs.next()) {
                for (String line : rs.getString(1).split("\n")) {
                    System.out.println("     " + line);
                }
            }
        }
    }

    static double pct(List<Long> nanos, double p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * a.length) - 1;
        return a[Math.max(0, Math.min(a.length - 1, i))] / 1e6;
    }

    /** {machine busy jiffies, machine total jiffies, this JVM's cpu nanos, wall nanos}. */
    static long[] cpu() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return new long[]{total - idle, total, own, System.nanoTime()};
    }

    /** Share of the machine used by other processes (PostgreSQL's server counts as other). */
    static double othersCpu(long[] a, long[] b) {
        double machine = (double) (b[0] - a[0]) / (b[1] - a[1]);
        int cores = Runtime.getRuntime().availableProcessors();
        double own = (b[2] - a[2]) / 1e9 / ((b[3] - a[3]) / 1e9 * cores);
        return Math.max(0, machine - own);
    }

    static String withDatabase(String url, String db) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int q = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + db + (q < 0 ? "" : url.substring(q));
    }

    static int intEnv(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }
}
