package dev.incidentgateway.timeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's idempotency lookup on PostgreSQL (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI): the
 * generic plan PostgreSQL caches for it on a pooled connection probes the unique index key by key, also when it was made
 * on the statistics of a small store. The {@code VALUES} join it replaced was planned there, for a group of 32 keys, as a
 * hash join over a sequential scan of the whole timeline, and such a plan stayed cached while the table grew (4.7 ms a
 * group at 50k events in one benchmark run; issue 13, session 40).
 */
class IdempotencyLookupPostgresIT {
    private static final int EVENTS = (int) FreshStoreAnalyzer.FIRST;
    private static final String PRINCIPAL = "webhook:alertmanager";
    private static final String SOURCE = "/webhooks/alertmanager";

    @Test
    void aGroupsLookupIsPlannedAsIndexProbesOnTheStatisticsOfASmallStore() throws Exception {
        try (Declared store = Declared.open(EVENTS); Connection pooled = store.dataSource().getConnection();
             Statement s = pooled.createStatement()) {
            s.execute("ANALYZE timeline_events"); // the statistics FreshStoreAnalyzer's first step leaves
            s.execute("SET plan_cache_mode = force_generic_plan"); // what PgJDBC's server-prepared statements come to
            List<String[]> keys = IdempotencyLookup.keys(SqlDialect.POSTGRESQL, wanted(32));
            String sql = IdempotencyLookup.sql(SqlDialect.POSTGRESQL, keys.size());
            long params = sql.chars().filter(ch -> ch == '?').count();
            s.execute("PREPARE lookup(" + String.join(",", java.util.Collections.nCopies((int) params, params == 3 ? "varchar[]" : "varchar"))
                    + ") AS " + numbered(sql));

            String plan = plan(s, keys, sql);

            assertThat(plan).contains("Index Scan using uq_timeline_principal_ce").doesNotContain("Seq Scan on timeline_events");
        }
    }

    @Test
    void findsTheStoredEventsOfAGroupWhateverItsSize() throws Exception {
        try (Declared store = Declared.open(40); Connection c = store.dataSource().getConnection()) {
            for (int size : new int[]{1, 3, 64}) {
                Map<String, String[]> wanted = wanted(size); // keys 0..size-1: the first 40 are stored
                List<String[]> keys = IdempotencyLookup.keys(SqlDialect.POSTGRESQL, wanted);
                Map<String, TimelineEvent> found = new java.util.HashMap<>();
                try (var ps = c.prepareStatement(IdempotencyLookup.sql(SqlDialect.POSTGRESQL, keys.size()))) {
                    IdempotencyLookup.bind(ps, SqlDialect.POSTGRESQL, keys);
                    try (ResultSet rs = ps.executeQuery()) {
                        IdempotencyLookup.read(rs, found);
                    }
                }
                assertThat(found.keySet()).as("stored keys found for a group of %d", size)
                        .isEqualTo(wanted.keySet().stream().limit(Math.min(size, 40)).collect(Collectors.toSet()));
                found.values().forEach(e -> assertThat(e.ceId()).startsWith("fp-"));
            }
        }
    }

    /** A new PostgreSQL store holding {@code count} declares keyed {@link #ceId}(0…count−1). */
    private record Declared(TestStore testStore, HikariDataSource dataSource, TimelineStore timeline) implements AutoCloseable {
        static Declared open(int count) {
            TestStore testStore = TestStore.create(TestStore.Kind.POSTGRESQL);
            HikariDataSource dataSource = StoreFactory.openAndMigrate(testStore.config());
            Declared store = new Declared(testStore, dataSource, new TimelineStore(dataSource, SqlDialect.POSTGRESQL,
                    "dev.incidentgateway", 256, 10_000, new SimpleMeterRegistry(), testStore.chainKey(), List.of()));
            declare(store.timeline(), count);
            return store;
        }

        @Override
        public void close() {
            try (TestStore t = testStore; HikariDataSource d = dataSource) {
                timeline.close();
            }
        }
    }

    private static void declare(TimelineStore store, int count) {
        for (int from = 0; from < count; from += 250) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 250); i++) {
                events.add(NewEvent.builder(EventType.DECLARE, "alertmanager").title("disk full").severity(Severity.SEV3)
                        .principal(PRINCIPAL).source(SOURCE).ceId(ceId(i)).correlationKey("alertmanager:fp-" + i).build());
            }
            store.appendAll(events);
        }
    }

    private static String ceId(int i) {
        return "fp-" + i + ":firing:2026-12-04T10:00:00Z";
    }

    private static Map<String, String[]> wanted(int size) {
        Map<String, String[]> wanted = new java.util.LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            wanted.put(GroupLookups.ceKey(PRINCIPAL, SOURCE, ceId(i)), new String[]{PRINCIPAL, SOURCE, ceId(i)});
        }
        return wanted;
    }

    /** The statement with PostgreSQL's own parameter markers, for {@code PREPARE}. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            out.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        return out.toString();
    }

    /** The plan of the prepared lookup for these keys: three arrays, or (a statement per group size) a parameter per part. */
    private static String plan(Statement s, List<String[]> keys, String sql) throws SQLException {
        boolean arrays = sql.chars().filter(ch -> ch == '?').count() == 3;
        String args = arrays
                ? IntStream.range(0, 3).mapToObj(part -> keys.stream().map(k -> "'" + k[part] + "'")
                        .collect(Collectors.joining(",", "ARRAY[", "]::varchar[]"))).collect(Collectors.joining(","))
                : keys.stream().flatMap(k -> java.util.Arrays.stream(k)).map(v -> "'" + v + "'").collect(Collectors.joining(","));
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE lookup(" + args + ")")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
