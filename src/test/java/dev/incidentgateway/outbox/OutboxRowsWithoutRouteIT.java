package dev.incidentgateway.outbox;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trial: a YAML target's route removed from GATEWAY_ROUTES_DIR left its pending and dead outbox rows invisible: no word at
 * start, and gateway_outbox_rows listed only connectors with a route. Now one WARN per such connector and its gauges.
 */
class OutboxRowsWithoutRouteIT {
    @Test
    @Timeout(180)
    void rowsOfAConnectorWithoutARouteAreWarnedAboutAtStartAndCounted() throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2)) {
            String admin = TestApiKeys.admin(store.config(Map.of()));
            try (Gateway first = Gateway.create(store.config(Map.of())).start();
                 Connection c = first.dataSource().getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO outbox (connector, incident_id, event_id, event_seq, "
                         + "status, attempts, next_attempt_at, created_at) VALUES ('removed-target', 'INC-1', ?, ?, ?, 0, ?, ?)")) {
                Timestamp now = Timestamp.from(Instant.now());
                String[] statuses = {"pending", "pending", "dead"};
                for (int i = 0; i < statuses.length; i++) {
                    insert.setString(1, "01JTESTEVENT000000000000" + i + "0".repeat(1));
                    insert.setLong(2, i + 1);
                    insert.setString(3, statuses[i]);
                    insert.setTimestamp(4, now);
                    insert.setTimestamp(5, now);
                    insert.executeUpdate();
                }
            }
            try (CapturedLogs logs = CapturedLogs.of(OutboxModule.class.getName());
                 Gateway again = Gateway.create(store.config(Map.of())).start()) {
                List<String> warned = logs.lines(e -> e.getFormattedMessage().contains("removed-target"));
                assertThat(warned).singleElement().satisfies(line -> assertThat(line)
                        .contains("2 pending").contains("1 dead").contains("/api/v1/outbox?connector=removed-target"));
                HttpApi http = new HttpApi(again.port(), admin);
                // From the first scrape on: the gauges' refresh (every 15 s) ran before the connector was found, so
                // before they took the start's counts they read NaN for 15 s.
                assertThat(http.metric("gateway_outbox_rows{connector=\"removed-target\",status=\"pending\"}")).isEqualTo(2.0);
                assertThat(http.metric("gateway_outbox_rows{connector=\"removed-target\",status=\"dead\"}")).isEqualTo(1.0);
            }
        }
    }
}
