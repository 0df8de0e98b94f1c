package dev.incidentgateway.timeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new PostgreSQL store (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI): a generic plan of the writer's
 * correlation lookup that PostgreSQL cached on a pooled connection while the table was empty (a sequential scan) is
 * replanned as an index scan once the store has grown to {@link FreshStoreAnalyzer#FIRST} events, not only after
 * autovacuum's first {@code ANALYZE} (up to a minute later: ingest at 50–600/s meanwhile, issue 13).
 */
class FreshStoreAnalyzerPostgresIT {
    private static final int KEYS = 64;
    /** The shape of the writer's lookup ({@link GroupLookups}): an {@code IN} list of a group's keys. */
    private static final String LOOKUP = "SELECT correlation_key, incident_id FROM correlation_keys WHERE correlation_key IN ("
            + IntStream.rangeClosed(1, KEYS).mapToObj(i -> "$" + i).collect(Collectors.joining(",")) + ")";

    @Test
    void aGenericPlanCachedOnTheEmptyTableIsReplannedOnceTheStoreHasGrown() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.POSTGRESQL)) {
            GatewayConfig config = testStore.config();
            try (HikariDataSource dataSource = StoreFactory.openAndMigrate(config);
                 TimelineStore store = new TimelineStore(dataSource, SqlDialect.POSTGRESQL, "dev.incidentgateway", 256, 10_000,
                         new SimpleMeterRegistry(), testStore.chainKey(), List.of(FreshStoreAnalyzer.forStore(dataSource, SqlDialect.POSTGRESQL)));
                 Connection pooled = dataSource.getConnection(); Statement s = pooled.createStatement()) {
                s.execute("SET plan_cache_mode = force_generic_plan"); // what PgJDBC's server-prepared statements come to
                s.execute("PREPARE lookup(" + String.join(",", java.util.Collections.nCopies(KEYS, "varchar")) + ") AS " + LOOKUP);
                assertThat(plan(s)).contains("Seq Scan"); // planned on the empty table, and cached

                declare(store, (int) FreshStoreAnalyzer.FIRST);
                awaitAnalyzed(s);

                assertThat(plan(s)).doesNotContain("Seq Scan").contains("correlation_keys");
            }
        }
    }

    private static void declare(TimelineStore store, int count) {
        for (int from = 0; from < count; from += 250) {
            List<NewEvent> events = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 250); i++) {
                events.add(NewEvent.builder(EventType.DECLARE, "alertmanager").title("disk full").severity(Severity.SEV3)
                        .correlationKey("alertmanager:fingerprint-" + i).build());
            }
            store.appendAll(events);
        }
    }

    /** Waits (bounded) until the analyzer's {@code ANALYZE} of the correlation keys is recorded. */
    private static void awaitAnalyzed(Statement s) throws SQLException, InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (ResultSet rs = s.executeQuery("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'correlation_keys'")) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
            s.execute("SELECT pg_stat_clear_snapshot()");
            Thread.sleep(100);
        }
        throw new AssertionError("the correlation keys were not analyzed after " + FreshStoreAnalyzer.FIRST + " events");
    }

    private static String plan(Statement s) throws SQLException {
        StringBuilder plan = new StringBuilder();
        String keys = IntStream.range(0, KEYS).mapToObj(i -> "'alertmanager:fingerprint-" + i + "'").collect(Collectors.joining(","));
        try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE lookup(" + keys + ")")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
