package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TempDirs;
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
 * states, the shipped tracker route records a breach that was already due at start, GET /api/v1/reports/sla answers
 * and refuses bad ranges with a 400 naming the field, /metrics has the acknowledge, mitigate and resolve histograms,
 * and a bad file stops the start naming the key.
 */
abstract class SlaApiContract {
    abstract TestStore.Kind kind();

    private static Path slaFile(String yaml) throws Exception {
        Path file = TempDirs.file("sla-", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void answersTheClocksAndRecordsADueBreach() throws Exception {
        Path file = slaFile("severities:\n  sev1: {acknowledge: 10m, resolve: 3h}\n");
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
                    .extracting(JsonNode::asText).contains("sla_breach").doesNotContain("sla_warning")); // found breached: no warning

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
                    // a bucket boundary at the policy's 3 h goal, which the fixed boundaries do not have
                    .contains("gateway_sla_time_to_acknowledge_seconds_bucket{severity=\"sev1\",le=\"10800.0\"} 1")
                    .contains("gateway_sla_breaches_total{severity=\"sev1\",target=\"acknowledge\"} 1.0");
            refusesBadReportRanges(fixture.http(), declared);
            histogramsForEveryResponse(fixture);
        }
    }

    /**
     * GET /api/v1/reports/sla: an unparseable bound, from not before to, and a range over the cap are each a 400
     * problem naming the field; a missing bound is not an error (to defaults to now, from to 30 days before to).
     */
    private static void refusesBadReportRanges(HttpApi http, Instant at) {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("from=yesterday", "from");
        refused.put("to=2026-13-01T00:00:00Z", "to");
        refused.put("from=2026-06-01", "from"); // a date is not an instant
        refused.put("from=" + at + "&to=" + at, "from");
        refused.put("from=" + at + "&to=" + at.minusSeconds(1), "from");
        refused.put("from=" + at.minus(SlaReport.MAX_RANGE).minusSeconds(1) + "&to=" + at, "from");
        // instants Instant.parse reads but no store holds: H2's conversion failed (500), PostgreSQL's (503, retry)
        refused.put("from=-1000000000-01-01T00:00:00Z&to=-1000000000-06-01T00:00:00Z", "to");
        refused.put("from=%2B300000-01-01T00:00:00Z&to=%2B300000-06-01T00:00:00Z", "to");
        refused.put("from=0000-12-01T00:00:00Z&to=0001-01-02T00:00:00Z", "from");
        refused.forEach((query, field) -> {
            HttpApi.Response r = http.get("/api/v1/reports/sla?" + query);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.contentType()).as(query).startsWith("application/problem+json");
            assertThat(r.json().path("field").asText()).as(query).isEqualTo(field);
            assertThat(r.json().path("detail").asText()).as(query).contains(field);
            assertThat(r.json().has("severities")).as(query).isFalse();
        });
        JsonNode defaults = http.get("/api/v1/reports/sla?to=" + at).json();
        assertThat(Instant.parse(defaults.path("from").asText())).isEqualTo(at.minus(Duration.ofDays(30)));
        assertThat(http.get("/api/v1/reports/sla?from=" + at.minus(SlaReport.MAX_RANGE) + "&to=" + at).status()).isEqualTo(200);
    }

    /** Acknowledged, mitigated and resolved: each response has its histogram series by severity, not only the ack one. */
    private static void histogramsForEveryResponse(GatewayFixture fixture) throws Exception {
        Instant declared = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        fixture.gateway().store().append(NewEvent.builder(EventType.DECLARE, "alice").incident("INC-903").title("disk full")
                .severity(Severity.SEV2).eventTime(declared).build());
        fixture.gateway().store().append(NewEvent.builder(EventType.ACK, "bob").incident("INC-903")
                .eventTime(declared.plus(Duration.ofMinutes(4))).build());
        fixture.gateway().store().append(NewEvent.builder(EventType.MITIGATE, "bob").incident("INC-903")
                .eventTime(declared.plus(Duration.ofMinutes(30))).build());
        fixture.gateway().store().append(NewEvent.builder(EventType.RESOLVE, "bob").incident("INC-903")
                .eventTime(declared.plus(Duration.ofMinutes(90))).build());
        // Recorded by the tracker as it reads the committed events (on PostgreSQL from the Since feed), so not at once.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fixture.http().get("/metrics").body())
                .contains("gateway_sla_time_to_acknowledge_seconds_count{severity=\"sev2\"} 1",
                        "gateway_sla_time_to_mitigate_seconds_count{severity=\"sev2\"} 1",
                        "gateway_sla_time_to_resolve_seconds_count{severity=\"sev2\"} 1",
                        "gateway_sla_time_to_mitigate_seconds_sum{severity=\"sev2\"} 1800.0",
                        "gateway_sla_time_to_resolve_seconds_sum{severity=\"sev2\"} 5400.0",
                        // buckets over the range of response times (the percentile histogram's ended at 30 s)
                        "gateway_sla_time_to_resolve_seconds_bucket{severity=\"sev2\",le=\"3600.0\"} 0",
                        "gateway_sla_time_to_resolve_seconds_bucket{severity=\"sev2\",le=\"7200.0\"} 1",
                        "gateway_sla_time_to_acknowledge_seconds_bucket{severity=\"sev2\",le=\"300.0\"} 1"));
    }

    /**
     * GET /api/v1/sla?incident=A,B (the console's SLA column in one request): each existing incident's clocks as the single
     * endpoint answers them, unknown ids left out; 400 naming {@code incident} when it is missing, holds a malformed id or
     * more than the most per request, and nothing is read; a credential is needed as everywhere under /api/v1.
     */
    @Test
    void answersTheClocksOfManyIncidentsInOneRequest() throws Exception {
        Path file = slaFile("severities:\n  sev1: {acknowledge: 10m, resolve: 3h}\n");
        GatewayFixture.assumeStore(kind());
        try (GatewayFixture fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_SLA_FILE", file.toString()))) {
            for (String id : new String[] {"BAT-1", "BAT-2"}) {
                fixture.gateway().store().append(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("api down")
                        .severity(Severity.SEV1).eventTime(Instant.now().minus(Duration.ofMinutes(20))).build());
            }
            HttpApi.Response r = fixture.http().get("/api/v1/sla?incident=BAT-2,NOPE-1,BAT-1");
            assertThat(r.status()).isEqualTo(200);
            JsonNode incidents = r.json().path("incidents");
            assertThat(incidents.findValuesAsText("incidentId")).containsExactly("BAT-2", "BAT-1");
            JsonNode single = fixture.http().get("/api/v1/incidents/BAT-1/sla").json();
            assertThat(incidents.get(1).path("severity")).isEqualTo(single.path("severity"));
            assertThat(incidents.get(1).path("targets").findValuesAsText("state")).containsExactly("breached", "running");
            assertThat(incidents.get(1).path("targets").get(0).path("dueAt")).isEqualTo(single.path("targets").get(0).path("dueAt"));

            String tooMany = String.join(",", java.util.stream.IntStream.rangeClosed(0, SlaClockReader.MAX_BATCH)
                    .mapToObj(n -> "A-" + n).toList());
            for (String query : new String[] {"", "?incident=", "?incident=BAT-1,inc-2", "?incident=BAT-1,,BAT-2",
                    "?incident=" + tooMany, "?incident=BAT-1&incident=BAT-2"}) {
                HttpApi.Response bad = fixture.http().get("/api/v1/sla" + query);
                assertThat(bad.status()).as(query).isEqualTo(400);
                assertThat(bad.contentType()).as(query).startsWith("application/problem+json");
                assertThat(bad.json().path("field").asText()).as(query).isEqualTo("incident");
            }
            assertThat(fixture.http().get("/api/v1/sla?incident=BAT-1&limit=2").json().path("field").asText()).isEqualTo("limit");
            assertThat(fixture.http().withBearer("nope").get("/api/v1/sla?incident=BAT-1").status()).isEqualTo(401);
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
