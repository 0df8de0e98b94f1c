package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.incidentgateway.ingest.generic.Fixtures.fixture;
import static dev.incidentgateway.ingest.generic.Fixtures.map;
import static dev.incidentgateway.ingest.generic.Fixtures.shipped;
import static dev.incidentgateway.ingest.generic.Fixtures.single;
import static dev.incidentgateway.ingest.generic.Fixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;

/** The shipped PagerDuty and Datadog descriptors against the vendors' documented payloads. */
class JsonPathWebhookMapperTest {
    private final JsonPathWebhookMapper pagerduty = shipped("pagerduty");
    private final JsonPathWebhookMapper datadog = shipped("datadog");

    @Test
    void pagerDutyTriggeredDeclaresWithPrioritySeverity() {
        NewEvent e = single(pagerduty, fixture("pagerduty-incident-triggered.json"));
        assertThat(e.type()).isEqualTo(EventType.DECLARE);
        assertThat(e.incidentId()).isNull();
        assertThat(e.correlationKey()).isEqualTo("pagerduty:Q2LQ1ZK9PBQW3M");
        assertThat(e.title()).isEqualTo("Checkout API error rate above 5%");
        assertThat(e.severity()).isEqualTo(Severity.SEV1);
        assertThat(e.content()).isEqualTo("https://acme.pagerduty.com/incidents/Q2LQ1ZK9PBQW3M");
        assertThat(e.actor()).isEqualTo("Checkout API");
        assertThat(e.source()).isEqualTo("/webhooks/pagerduty");
        assertThat(e.ceSource()).isEqualTo("/webhooks/pagerduty");
        assertThat(e.ceId()).isEqualTo("01DX3K8QG7C9VTH2Z4Y6W8N1PQ");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2024-05-14T09:12:44.518Z"));
        assertThat(e.data().path("sourceEventType").asText()).isEqualTo("incident.triggered");
        assertThat(e.data().path("pagerdutyIncidentNumber").asInt()).isEqualTo(4211);
        assertThat(e.data().path("service").asText()).isEqualTo("Checkout API");
        assertThat(e.data().path("urgency").asText()).isEqualTo("high");
    }

    @Test
    void pagerDutyLifecycleSharesTheKey() {
        NewEvent ack = single(pagerduty, fixture("pagerduty-incident-acknowledged.json"));
        NewEvent note = single(pagerduty, fixture("pagerduty-incident-annotated.json"));
        NewEvent resolve = single(pagerduty, fixture("pagerduty-incident-resolved.json"));
        assertThat(ack.type()).isEqualTo(EventType.ACK);
        assertThat(note.type()).isEqualTo(EventType.NOTE);
        assertThat(resolve.type()).isEqualTo(EventType.RESOLVE);
        assertThat(java.util.List.of(ack, note, resolve)).allSatisfy(e -> {
            assertThat(e.correlationKey()).isEqualTo("pagerduty:Q2LQ1ZK9PBQW3M");
            assertThat(e.actor()).isEqualTo("Dana Okafor");
            assertThat(e.severity()).as("severity is for declares").isNull();
            assertThat(e.title()).as("title is for declares").isNull();
        });
        assertThat(note.content()).isEqualTo("Rolled back checkout-api to v2024.05.13-2; error rate falling.");
        assertThat(note.data().path("pagerdutyIncidentUrl").asText()).isEqualTo("https://acme.pagerduty.com/incidents/Q2LQ1ZK9PBQW3M");
        assertThat(ack.ceId()).isEqualTo("01DX3KB2M4R8SD1F6J9K0L2N3P");
        assertThat(resolve.eventTime()).isEqualTo(Instant.parse("2024-05-14T09:47:30.877Z"));
    }

    @Test
    void pagerDutySeverityFallsBackToUrgencyThenDefault() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ObjectNode data = (ObjectNode) body.path("event").path("data");
        data.putNull("priority");
        assertThat(single(pagerduty, body.toString()).severity()).isEqualTo(Severity.SEV2);
        data.put("urgency", "low");
        assertThat(single(pagerduty, body.toString()).severity()).isEqualTo(Severity.SEV4);
        data.remove("urgency");
        assertThat(single(pagerduty, body.toString()).severity()).isEqualTo(Severity.SEV3);
        data.putObject("priority").put("summary", "Sev-Custom");
        assertThat(single(pagerduty, body.toString()).severity()).as("unknown value → default").isEqualTo(Severity.SEV3);
    }

    @Test
    void pagerDutyWithoutAgentActsAsTheSource() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-resolved.json");
        ((ObjectNode) body.path("event")).putNull("agent");
        assertThat(single(pagerduty, body.toString()).actor()).isEqualTo("pagerduty");
    }

    @Test
    void pagerDutyUnmappedEventTypesAreSkipped() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ((ObjectNode) body.path("event")).put("event_type", "incident.priority_updated");
        assertThat(map(pagerduty, body.toString())).isEmpty();
        // the ping PagerDuty sends when a subscription is tested: no incident at all, still not an error
        assertThat(map(pagerduty, "{\"event\":{\"id\":\"x\",\"event_type\":\"pagey.ping\",\"data\":{\"type\":\"ping\"}}}"))
                .isEmpty();
    }

    @Test
    void aValueTheStoreRefusesIsNamedByItsJsonPath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ((ObjectNode) body.path("event").path("data")).put("title", "Checkout \u0000 down");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> map(pagerduty, body.toString()))
                .isInstanceOfSatisfying(dev.incidentgateway.timeline.InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("$.event.data.title"));
    }

    @Test
    void redeliveryGetsTheSameIdempotencyId() {
        for (String f : new String[]{"pagerduty-incident-triggered.json", "pagerduty-incident-resolved.json"}) {
            assertThat(single(pagerduty, fixture(f)).ceId()).isEqualTo(single(pagerduty, fixture(f)).ceId());
        }
        for (String f : new String[]{"datadog-triggered.json", "datadog-recovered.json"}) {
            assertThat(single(datadog, fixture(f)).ceId()).isEqualTo(single(datadog, fixture(f)).ceId());
        }
    }

    @Test
    void datadogTriggeredDeclaresAndRecoveredResolvesTheSameKey() {
        NewEvent declare = single(datadog, fixture("datadog-triggered.json"));
        NewEvent resolve = single(datadog, fixture("datadog-recovered.json"));
        assertThat(declare.type()).isEqualTo(EventType.DECLARE);
        assertThat(declare.correlationKey()).isEqualTo("datadog:7503912354560991203");
        assertThat(declare.title()).isEqualTo("[P2] [Triggered on {host:web-03}] CPU usage high on web tier");
        assertThat(declare.severity()).isEqualTo(Severity.SEV2);
        assertThat(declare.content()).isEqualTo("avg(last_5m):avg:system.cpu.user{host:web-03} > 90");
        assertThat(declare.actor()).isEqualTo("datadog");
        assertThat(declare.ceId()).isEqualTo("7503912354561029184");
        assertThat(declare.eventTime()).isEqualTo(Instant.ofEpochMilli(1715677964000L));
        assertThat(declare.data().path("datadogMonitorId").asText()).isEqualTo("48213377");
        assertThat(declare.data().path("link").asText()).startsWith("https://app.datadoghq.com/event/");
        assertThat(resolve.type()).isEqualTo(EventType.RESOLVE);
        assertThat(resolve.correlationKey()).isEqualTo(declare.correlationKey());
        assertThat(resolve.ceId()).isEqualTo("7503927719348110297").isNotEqualTo(declare.ceId());
        assertThat(resolve.eventTime()).isEqualTo(Instant.ofEpochMilli(1715678880000L));
    }

    @Test
    void datadogRetriggeredDeclaresAndWarningsAreSkipped() {
        ObjectNode body = (ObjectNode) tree("datadog-triggered.json");
        body.put("transition", "Re-Triggered");
        assertThat(single(datadog, body.toString()).type()).isEqualTo(EventType.DECLARE);
        for (String skipped : new String[]{"Warn", "Re-Warn", "No Data", "Re-No Data", "Renotify"}) {
            body.put("transition", skipped);
            assertThat(map(datadog, body.toString())).as(skipped).isEmpty();
        }
    }

    @Test
    void datadogWithoutCycleKeyFallsBackToTheMonitor() {
        ObjectNode body = (ObjectNode) tree("datadog-triggered.json");
        body.put("alert_cycle_key", ""); // Datadog renders a variable without value as ""
        body.put("priority", "");
        NewEvent e = single(datadog, body.toString());
        assertThat(e.correlationKey()).isEqualTo("datadog:48213377");
        assertThat(e.severity()).isEqualTo(Severity.SEV3);
    }

    @Test
    void datadogWithoutEventIdGetsAStableDerivedId() {
        ObjectNode body = (ObjectNode) tree("datadog-triggered.json");
        body.remove("id");
        String first = single(datadog, body.toString()).ceId();
        assertThat(first).matches("[0-9a-f]{64}").isEqualTo(single(datadog, body.toString()).ceId());
        body.put("date", "1715677965000");
        assertThat(single(datadog, body.toString()).ceId()).isNotEqualTo(first);
    }

    @Test
    void contentTypeMayBeAbsentOrJsonVariants() {
        String body = fixture("datadog-triggered.json");
        assertThat(datadog.map(Fixtures.request("datadog", body, null))).hasSize(1);
        assertThat(datadog.map(Fixtures.request("datadog", body, "application/json; charset=utf-8"))).hasSize(1);
        assertThat(datadog.map(Fixtures.request("datadog", body, "application/vnd.acme+json"))).hasSize(1);
    }
}
