package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SLA clocks in a running gateway (H2 and PostgreSQL subclasses): GATEWAY_SLA_FILE is read, GET /api/v1/incidents/{id}/sla answers the
 * states, the shipped tracker route records a breach that was already due at start, and a bad file stops the start
 * naming the key.
 */
abstract class SlaApiContract {
    abstract TestStore.Kind kind();

    private static Path slaFile(String yaml) throws Exception {
        Path file = Files.createTempFile("sla-", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void answersTheClocksAndRecordsADueBreach() throws Exception {
        Path file = slaFile("severities:\n  sev1: {acknowledge: 10m, resolve: 4h}\n");
        GatewayFixture.assumeStore(kind());
        try (GatewayFixture fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_SLA_FILE", file.toString()))) {
            fixture.gateway().store().append(NewEvent.builder(EventType.DECLARE, "alice").incident("INC-900").title("api down")
                    .severity(Severity.SEV1).eventTime(Instant.now().minus(Duration.ofMinutes(20))).build());
            HttpApi.Response r = fixture.http().get("/api/v1/incidents/INC-900/sla");
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(body.path("severity").asText()).isEqualTo("sev1");
            JsonNode ack = body.path("targets").get(0);
            assertThat(ack.path("target").asText()).isEqualTo("acknowledge");
            assertThat(ack.path("state").asText()).isEqualTo("breached");
            assertThat(ack.path("goal").asText()).isEqualTo("PT10M");
            assertThat(ack.path("breachedAt").asText()).isNotEmpty();
            assertThat(ack.path("remainingSeconds").asLong()).isNegative();
            JsonNode resolve = body.path("targets").get(1);
            assertThat(resolve.path("state").asText()).isEqualTo("running");
            assertThat(resolve.has("dueAt")).isTrue();
            assertThat(fixture.http().get("/api/v1/incidents/INC-901/sla").status()).isEqualTo(404);
            assertThat(fixture.http().withBearer("nope").get("/api/v1/incidents/INC-900/sla").status()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fixture.http()
                    .get("/api/v1/incidents/INC-900/timeline").json().path("events").findValues("kind"))
                    .extracting(JsonNode::asText).contains("sla_breach", "sla_warning"));

            Instant declared = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            fixture.gateway().store().append(NewEvent.builder(EventType.DECLARE, "alice").incident("INC-902").title("slow")
                    .severity(Severity.SEV1).eventTime(declared).build());
            fixture.gateway().store().append(NewEvent.builder(EventType.ACK, "bob").incident("INC-902")
                    .eventTime(declared.plus(Duration.ofMinutes(5))).build());
            JsonNode report = fixture.http().get("/api/v1/reports/sla?from=" + declared.minus(Duration.ofHours(1))).json();
            JsonNode sev1 = report.path("severities").path("sev1");
            assertThat(sev1.path("incidents").asInt()).isEqualTo(2);
            assertThat(sev1.path("mtta").path("count").asInt()).isEqualTo(1);
            assertThat(sev1.path("mtta").path("medianSeconds").asLong()).isEqualTo(300);
            assertThat(sev1.path("breaches").path("acknowledge").asInt()).isEqualTo(1); // INC-900 only
            assertThat(sev1.path("breaches").path("resolve").asInt()).isZero();
            String metrics = fixture.http().get("/metrics").body();
            assertThat(metrics).contains("gateway_sla_time_to_acknowledge_seconds_count{severity=\"sev1\"} 1")
                    .contains("gateway_sla_breaches_total{severity=\"sev1\",target=\"acknowledge\"} 1.0");
            HttpApi.Response bad = fixture.http().get("/api/v1/reports/sla?from=yesterday");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("from");
        }
    }

    @Test
    void aBadPolicyFileStopsTheStartNamingTheKey() throws Exception {
        Path file = slaFile("severities:\n  sev2: {acknowledge: 15 minutes}\n");
        GatewayFixture.assumeStore(kind());
        try (TestStore store = TestStore.create(kind())) {
            assertThatThrownBy(() -> Gateway.create(store.config(Map.of("GATEWAY_SLA_FILE", file.toString()))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("severities.sev2.acknowledge");
        }
    }
}
