// Storage benchmark: bytes on disk per stored event, H2 and PostgreSQL, with the store settings a user gets.
//
//   java -cp target/incident-gateway.jar bench/StorageBenchmark.java <h2-dir|""> <pg-jdbc-url|"">
//
// (bench/storage.sh builds the jar, starts a throwaway PostgreSQL and runs this.) For each store it opens a
// fresh database through StoreFactory (so H2 gets the gateway's default URL settings), declares
// BENCH_INCIDENTS incidents, then appends BENCH_EVENTS notes of about 300 bytes of text from BENCH_WRITERS
// threads through TimelineStore.append (durable, group commit, one transaction per group, as in the gateway),
// and reports
//   H2:         the .mv.db file's size while the gateway is running (its peak, and its size 2 s after the load:
//               per event over all events, and the growth over the second half per event of that half, which
//               leaves out the fixed working area H2 keeps for recent writes), and after the store is closed;
//   PostgreSQL: pg_database_size growth over the load (tables, indexes, TOAST; the WAL is not counted: it is
//               recycled and bounded by max_wal_size).
// The last lines are machine-readable, one per store:
//   storage store=h2 events=<n> bytes_per_event_running=<n> bytes_per_event_second_half=<n> bytes_per_event_peak=<n>
//           bytes_per_event_closed=<n>
//   storage store=postgresql events=<n> bytes_per_event=<n>

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

public class StorageBenchmark {
    static final int EVENTS = intEnv("BENCH_EVENTS", 20_000);
    static final int INCIDENTS = intEnv("BENCH_INCIDENTS", 200);
    static final int WRITERS = intEnv("BENCH_WRITERS", 8);
    /** A note a responder writes: a few sentences. */
    static final String TEXT = "Rolled back deploy 4711 on the payments API; error rate back under 0.1 %. Watching p99 latency for "
            + "another 15 minutes before we call it mitigated. Customer support has the status page text. Next update at :30. ";

    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        String h2 = args.length > 0 ? args[0] : "";
        String pg = args.length > 1 ? args[1] : "";
        Path dir = h2.isEmpty() ? Files.createTempDirectory("storage-bench-") : Path.of(h2);
        try {
            lines.add(runH2(dir.resolve("data")));
        } finally {
            if (h2.isEmpty()) {
                deleteTree(dir);
            }
        }
        if (!pg.isEmpty()) {
            lines.add(runPostgres(pg));
        }
        System.out.println();
        lines.forEach(System.out::println);
    }

    static String runH2(Path data) throws Exception {
        Path file = data.resolve("gateway.mv.db");
        Map<String, String> env = Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + data.resolve("gateway").toAbsolutePath()
                + System.getenv().getOrDefault("BENCH_H2_SETTINGS", "")); // a tuned setting shown beside the default
        System.out.println("== H2 (the default URL's settings): " + data);
        long running;
        long peak;
        long marginal;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
            long base = Files.size(file);
            AtomicLong max = new AtomicLong(base);
            AtomicLong half = new AtomicLong();
            load(ds, n -> {
                long size = size(file);
                max.accumulateAndGet(size, Math::max);
                if (n == EVENTS / 2 / 100 * 100) {
                    half.set(size);
                }
            });
            Thread.sleep(2_000); // one retention period: what a running gateway's file settles to after a burst
            running = Files.size(file);
            peak = Math.max(max.get(), running);
            marginal = (running - half.get()) / (EVENTS - EVENTS / 2 / 100 * 100);
            System.out.printf("   empty store %,d bytes; after %,d events: %,d bytes while running (peak %,d; %,d at half way)%n",
                    base, EVENTS, running, peak, half.get());
        }
        long closed = Files.size(file);
        System.out.printf("   after close: %,d bytes%n", closed);
        return String.format("storage store=h2 events=%d bytes_per_event_running=%d bytes_per_event_second_half=%d bytes_per_event_peak=%d "
                + "bytes_per_event_closed=%d", EVENTS, running / EVENTS, marginal, peak / EVENTS, closed / EVENTS);
    }

    static String runPostgres(String givenUrl) throws Exception {
        String db = "storage_" + Long.toString(System.currentTimeMillis(), 36);
        try (Connection admin = DriverManager.getConnection(givenUrl); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        String url = givenUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + db + "$1");
        System.out.println("== PostgreSQL: " + url + " (fresh database, dropped afterwards)");
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("GATEWAY_DB_URL", url);
            try (HikariDataSource ds = StoreFactory.openAndMigrate(GatewayConfig.load(env, Map.of()))) {
                long base = pgSize(ds);
                load(ds, n -> { });
                long after = pgSize(ds);
                System.out.printf("   database %,d bytes empty, %,d after %,d events%n", base, after, EVENTS);
                return String.format("storage store=postgresql events=%d bytes_per_event=%d", EVENTS, (after - base) / EVENTS);
            }
        } finally {
            try (Connection admin = DriverManager.getConnection(givenUrl); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    /** Declares the incidents, then appends the notes from the writers; {@code sample} gets every 100th event's number. */
    static void load(HikariDataSource ds, java.util.function.IntConsumer sample) throws Exception {
        TimelineStore store = new TimelineStore(ds, SqlDialect.forUrl(ds.getJdbcUrl()), "dev.incidentgateway", 256, 10_000,
                new SimpleMeterRegistry(), ChainKey.generate(), List.of());
        try {
            for (int i = 0; i < INCIDENTS; i++) {
                store.append(NewEvent.builder(EventType.DECLARE, "bench").incident(incident(i)).title("Payments API errors " + i)
                        .severity(Severity.SEV2).build());
            }
            AtomicInteger next = new AtomicInteger(INCIDENTS);
            List<Thread> writers = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < WRITERS; w++) {
                Thread t = new Thread(() -> {
                    int n;
                    while ((n = next.getAndIncrement()) < EVENTS) {
                        store.append(NewEvent.builder(EventType.NOTE, "alice").incident(incident(n % INCIDENTS))
                                .content(TEXT + n).build());
                        if (n % 100 == 0) {
                            sample.accept(n);
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            for (Thread t : writers) {
                t.join();
            }
            System.out.printf("   %,d events from %d writers in %.1f s%n", EVENTS, WRITERS, (System.nanoTime() - start) / 1e9);
        } finally {
            store.close();
        }
    }

    static String incident(int i) {
        return String.format("INC-%05d", i);
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    static long pgSize(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static int intEnv(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
