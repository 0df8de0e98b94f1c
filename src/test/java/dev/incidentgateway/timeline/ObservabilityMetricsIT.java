package dev.incidentgateway.timeline;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an alert can read from a real gateway's {@code /metrics} (H2) without a /health probe or a log search: the store's
 * state and the append breaker, group commit's sizes and commit times, and the audit checkpoints, signed and then
 * refused after the newest event was deleted behind the gateway's back (before: an ERROR in the log only).
 */
class ObservabilityMetricsIT {
    private static final String CONTRADICTS = "gateway_audit_checkpoint_failures_total{reason=\"log_contradicts_checkpoint\"}";
    private static final String STORE_ERROR = "gateway_audit_checkpoint_failures_total{reason=\"store_error\"}";
    private static final String SIGNED = "gateway_audit_checkpoints_total";
    private static final String VERIFY_BROKEN = "gateway_audit_verify_broken_total";
    private static final String LAST_SIGNED = "gateway_audit_checkpoint_last_signed_timestamp_seconds";

    @Test
    void storeBreakerAndCheckpointsAreMetricsAndATamperedLogCountsItsRefusedCheckpoints() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_CHECKPOINT_INTERVAL_S", "1"))) {
            checkpointsThenTamper(fixture, fixture.http());
        }
    }

    private static void checkpointsThenTamper(GatewayFixture fixture, HttpApi http) throws Exception {
        String fresh = http.get("/metrics").body();
        assertThat(fresh).as("every series from the start, so rate() and absent() alerts work before the first event")
                .contains("gateway_store_up 1.0", "gateway_store_circuit_open 0.0", SIGNED + " 0.0", LAST_SIGNED + " 0.0",
                        CONTRADICTS + " 0.0", STORE_ERROR + " 0.0");
        assertThat(fresh).as("overload, error answers and SLA breaches too: a series born at 1 has no sample to rise from")
                .contains("gateway_http_refused_total{reason=\"inflight\"} 0.0",
                        "gateway_http_refused_total{reason=\"inflight-unauthenticated\"} 0.0",
                        "gateway_http_errors_total{status=\"503\"} 0.0", "gateway_http_errors_total{status=\"500\"} 0.0",
                        "gateway_sla_breaches_total{severity=\"sev1\",target=\"acknowledge\"} 0.0",
                        "gateway_sla_breaches_total{severity=\"sev4\",target=\"resolve\"} 0.0")
                .doesNotContain("gateway_sla_breaches_total{severity=\"sev3\",target=\"mitigate\"}"); // no such goal

        for (String id : new String[]{"OM-1", "OM-2"}) {
            assertThat(http.postJson("/api/v1/incidents", obj("id", id, "title", "t", "actor", "a", "severity", "sev3"))
                    .status()).isEqualTo(201);
        }
        assertThat(http.metric("gateway_append_group_size_sum")).as("both declares, each in a group").isGreaterThanOrEqualTo(2);
        assertThat(http.metric("gateway_append_group_commit_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(http.metric("hikaricp_connections_max{pool=\"gateway-store\"}")).as("the pool's meters, GATEWAY_DB_POOL_SIZE")
                .isEqualTo(10);
        assertThat(http.metric("hikaricp_connections_acquire_seconds_count{pool=\"gateway-store\"}")).isGreaterThanOrEqualTo(1);
        assertThat(http.get("/metrics").body()).contains("hikaricp_connections_pending{pool=\"gateway-store\"} ",
                "hikaricp_connections_timeout_total{pool=\"gateway-store\"} 0.0");
        Instant before = Instant.now().minusSeconds(5);
        await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/api/v1/audit/checkpoint").json().path("count").asLong() == 2);
        assertThat(http.metric(SIGNED)).isGreaterThanOrEqualTo(1);
        assertThat(http.metric(LAST_SIGNED)).isGreaterThan(before.getEpochSecond());
        assertThat(http.metric(CONTRADICTS)).isZero();

        // A database admin deletes the newest event, which the last checkpoint signed.
        new AuditTampering(fixture.gateway().dataSource(), SqlDialect.H2).deleteNewestEvents(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> http.metric(CONTRADICTS) >= 2); // counted every interval
        double signed = http.metric(SIGNED);
        Thread.sleep(1500);
        assertThat(http.metric(SIGNED)).as("nothing signed over the cut log").isEqualTo(signed);
        assertThat(http.metric(STORE_ERROR)).isZero();

        assertThat(http.metric(VERIFY_BROKEN)).isZero();
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway.api")) {
            com.fasterxml.jackson.databind.JsonNode verify = http.get("/api/v1/incidents/OM-2/verify").json();
            assertThat(verify.path("intact").asBoolean()).isFalse();
            assertThat(http.metric(VERIFY_BROKEN)).as("the on-call did not ask; the alert tells them").isEqualTo(1);
            // One problem or two: the SLA tracker's settled mark of the incident, if its scan ran before the cut, is one more.
            assertThat(logs.lines(e -> e.getLevel() == Level.ERROR)).singleElement().asString()
                    .startsWith("ERROR Verify found incident OM-2 broken: " + verify.path("brokenLinks").size() + " problem(s)")
                    .contains("run `java -jar incident-gateway.jar verify`");
        }
        assertThat(http.get("/api/v1/incidents/OM-1/verify").json().path("intact").asBoolean()).isTrue();
        assertThat(http.metric(VERIFY_BROKEN)).as("an intact incident counts nothing").isEqualTo(1);
        assertThat(http.metric("gateway_store_up")).isEqualTo(1.0);
    }
}
