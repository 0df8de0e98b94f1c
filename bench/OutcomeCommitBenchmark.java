// What one "delivered" outcome costs on H2 when outcomes share a commit (issue 13, delivery; session 20): drains a
// backlog of BENCH_OUTCOME_INCIDENTS (2000) incidents of 5 outbox rows (appended 16 incidents at a time, as
// bench/DeliveryBenchmark.java's clients do) the way the relay records outcomes — OutboxStore.deliveredAll with the
// incident's next row claimed and a refill head, 8 slots — but without any vendor call, committing every N outcomes for
// each N of BENCH_OUTCOME_BATCHES (1,4,8), each on a fresh store. Prints, per N, this thread's CPU and the store file's
// growth per delivered event (H2 writes each commit as a new chunk: WRITE_DELAY=0).
//
//   java -cp target/incident-gateway.jar bench/OutcomeCommitBenchmark.java <scratch-dir>
//
// Last lines, one per N:
//   outcome-commit store=h2 outcomes_per_commit=<n> events=<n> commits=<n> cpu_us_per_event=<x> file_bytes_per_event=<n>
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.outbox.OutboxStore;
import dev.incidentgateway.store.StoreFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class OutcomeCommitBenchmark {
    static final int INCIDENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_OUTCOME_INCIDENTS", "2000"));
    static final String BATCHES = System.getenv().getOrDefault("BENCH_OUTCOME_BATCHES", "1,4,8");
    static final int SLOTS = 8;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        List<String> lines = new ArrayList<>();
        for (String n : BATCHES.split(",")) {
            Path dir = Files.createTempDirectory(Files.createDirectories(root), "outcome-");
            lines.add(run(dir, Integer.parseInt(n.trim())));
        }
        lines.forEach(System.out::println);
    }

    static String run(Path dir, int perCommit) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
        env.put("GATEWAY_DB_USER", "sa");
        env.put("GATEWAY_DB_PASSWORD", "");
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
            addRows(ds);
            OutboxStore outbox = new OutboxStore(ds);
            var threads = ManagementFactory.getThreadMXBean();
            long size0 = Files.size(dir.resolve("db.mv.db"));
            long cpu0 = threads.getCurrentThreadCpuTime();
            Instant start = Instant.now();
            List<OutboxItem> slots = new ArrayList<>(outbox.claimDue("slack", SLOTS, start, start.plusSeconds(90)));
            long delivered = 0;
            long commits = 0;
            while (!slots.isEmpty()) {
                Instant now = Instant.now();
                Instant lease = now.plusSeconds(90);
                List<OutboxStore.Delivered> batch = new ArrayList<>();
                while (batch.size() < perCommit && !slots.isEmpty()) {
                    batch.add(new OutboxStore.Delivered(slots.remove(0), null, now, lease, lease));
                }
                for (OutboxStore.Recorded r : outbox.deliveredAll(batch)) {
                    delivered += r.recorded() ? 1 : 0;
                    if (r.next() != null) {
                        slots.add(r.next());
                    }
                }
                commits++;
                if (slots.size() < SLOTS) {
                    slots.addAll(outbox.claimDue("slack", SLOTS - slots.size(), now, lease));
                }
            }
            double cpuUs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / delivered;
            long bytes = (Files.size(dir.resolve("db.mv.db")) - size0) / Math.max(1, delivered);
            return String.format(Locale.ROOT, "outcome-commit store=h2 outcomes_per_commit=%d events=%d commits=%d "
                    + "cpu_us_per_event=%.0f file_bytes_per_event=%d", perCommit, delivered, commits, cpuUs, bytes);
        }
    }

    /** 5 pending rows per incident, 16 incidents appended side by side, due in the past in insertion order. */
    static void addRows(HikariDataSource ds) throws Exception {
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (connector, "
                + "incident_id, event_id, event_seq, status, attempts, next_attempt_at, created_at) VALUES ('slack', ?, ?, ?, "
                + "'pending', 0, ?, ?)")) {
            c.setAutoCommit(false);
            long row = 0;
            for (int group = 0; group < INCIDENTS / 16; group++) {
                for (int seq = 1; seq <= 5; seq++) {
                    for (int k = 0; k < 16; k++) {
                        var at = base.plusMillis(row).atOffset(ZoneOffset.UTC);
                        ps.setString(1, "INC-" + (group * 16 + k));
                        ps.setString(2, String.format("%026d", row++));
                        ps.setLong(3, seq);
                        ps.setObject(4, at);
                        ps.setObject(5, at);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
        }
    }
}
