package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import org.junit.jupiter.api.Test;

import static dev.incidentgateway.ingest.generic.Fixtures.badRequest;
import static dev.incidentgateway.ingest.generic.Fixtures.fixture;
import static dev.incidentgateway.ingest.generic.Fixtures.request;
import static dev.incidentgateway.ingest.generic.Fixtures.shipped;
import static dev.incidentgateway.ingest.generic.Fixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every 400 (and the 415) a JSONPath source answers, each naming the field at fault. */
class JsonPathWebhookMapperErrorsTest {
    private final JsonPathWebhookMapper pagerduty = shipped("pagerduty");
    private final JsonPathWebhookMapper datadog = shipped("datadog");

    @Test
    void bodyThatIsNotJsonNamesBody() {
        badRequest(pagerduty, "{\"event\": ", "body");
        badRequest(pagerduty, "not json at all", "body");
        badRequest(pagerduty, "", "body");
        badRequest(pagerduty, fixture("pagerduty-incident-triggered.json") + " {}", "body"); // trailing document
        badRequest(pagerduty, "[{\"event\":{}}]", "body"); // without items the body must be one object
        badRequest(pagerduty, "{\"a\":1,\"a\":2}", "body"); // duplicate keys are refused
    }

    @Test
    void missingOrNonTextEventTypeNamesItsPath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ObjectNode event = (ObjectNode) body.path("event");
        event.remove("event_type");
        ApiProblem p = badRequest(pagerduty, body.toString(), "$.event.event_type");
        assertThat(p.getMessage()).contains("event type").contains("$.event.event_type");
        event.putObject("event_type").put("name", "incident.triggered");
        assertThat(badRequest(pagerduty, body.toString(), "$.event.event_type").getMessage()).contains("must be a string");
        event.put("event_type", "   ");
        badRequest(pagerduty, body.toString(), "$.event.event_type");
    }

    @Test
    void missingOrNonTextCorrelationKeyNamesItsPath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-acknowledged.json");
        ObjectNode data = (ObjectNode) body.path("event").path("data");
        data.remove("id");
        ApiProblem p = badRequest(pagerduty, body.toString(), "$.event.data.incident.id");
        assertThat(p.getMessage()).contains("correlation key").contains("$.event.data.id");
        data.putArray("id").add("Q2LQ1ZK9PBQW3M");
        badRequest(pagerduty, body.toString(), "$.event.data.id");

        ObjectNode dd = (ObjectNode) tree("datadog-recovered.json");
        dd.remove("alert_cycle_key");
        dd.put("alert_id", "");
        badRequest(datadog, dd.toString(), "$.alert_cycle_key");
    }

    @Test
    void declareWithoutTitleNamesTheTitlePath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ((ObjectNode) body.path("event").path("data")).remove("title");
        ApiProblem p = badRequest(pagerduty, body.toString(), "$.event.data.title");
        assertThat(p.getMessage()).contains("declare needs a title");

        ObjectNode dd = (ObjectNode) tree("datadog-triggered.json");
        dd.put("title", "");
        badRequest(datadog, dd.toString(), "$.title");
        // a resolve needs no title
        ObjectNode recovered = (ObjectNode) tree("datadog-recovered.json");
        recovered.remove("title");
        assertThat(Fixtures.map(datadog, recovered.toString())).hasSize(1);
    }

    @Test
    void unparseableEventTimeNamesItsPath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-triggered.json");
        ((ObjectNode) body.path("event")).put("occurred_at", "yesterday at noon");
        assertThat(badRequest(pagerduty, body.toString(), "$.event.occurred_at").getMessage()).contains("yesterday at noon");
        ((ObjectNode) body.path("event")).put("occurred_at", "2024-05-14T09:12:44"); // no offset: ambiguous
        badRequest(pagerduty, body.toString(), "$.event.occurred_at");

        ObjectNode dd = (ObjectNode) tree("datadog-triggered.json");
        dd.put("date", "2024-05-14T09:12:44Z");
        assertThat(badRequest(datadog, dd.toString(), "$.date").getMessage()).contains("milliseconds");
    }

    @Test
    void nonTextOptionalFieldsNameTheirPath() {
        ObjectNode body = (ObjectNode) tree("pagerduty-incident-acknowledged.json");
        ((ObjectNode) body.path("event").path("agent")).putObject("summary").put("name", "Dana");
        badRequest(pagerduty, body.toString(), "$.event.agent.summary");
    }

    @Test
    void overlongIdentitiesAreRefusedAndOverlongTitlesCut() {
        ObjectNode dd = (ObjectNode) tree("datadog-triggered.json");
        dd.put("title", "x".repeat(5000));
        assertThat(Fixtures.single(datadog, dd.toString()).title()).hasSize(1024).endsWith("…");
        dd.put("id", "9".repeat(257));
        assertThat(badRequest(datadog, dd.toString(), "$.id").getMessage()).contains("longer than 256");
        dd.put("id", "1");
        dd.put("alert_cycle_key", "k".repeat(600));
        badRequest(datadog, dd.toString(), "$.alert_cycle_key");
    }

    @Test
    void nonJsonContentTypeIs415() {
        ApiProblem p = catchThrowableOfType(ApiProblem.class, () -> datadog.map(
                request("datadog", "payload=%7B%7D", "application/x-www-form-urlencoded")));
        assertThat(p.status()).isEqualTo(415);
        assertThat(p.field()).isEqualTo("Content-Type");
    }

    @Test
    void itemErrorsNameTheItem() {
        JsonPathWebhookMapper am = Fixtures.fromYaml("am", """
                mapping:
                  items: "$.alerts[*]"
                  correlationKey: "$.fingerprint"
                  eventType: { path: "$.status", values: { firing: declare, resolved: resolve } }
                  title: "$.annotations.summary"
                  eventTime: "$.startsAt"
                """);
        ObjectNode body = (ObjectNode) tree("alertmanager-firing.json");
        ((ObjectNode) body.path("alerts").get(1)).remove("fingerprint");
        badRequest(am, body.toString(), "$.alerts[1].fingerprint");
        ((ObjectNode) body.path("alerts").get(1)).put("fingerprint", "b81d07e6c35f92a0");
        ((ObjectNode) body.path("alerts").get(0).path("annotations")).remove("summary");
        badRequest(am, body.toString(), "$.alerts[0].annotations.summary");
        ((ObjectNode) body.path("alerts").get(0).path("annotations")).put("summary", "Pod is crash looping.");
        ((ObjectNode) body.path("alerts").get(0)).put("startsAt", "soon");
        badRequest(am, body.toString(), "$.alerts[0].startsAt");
        badRequest(am, "{\"version\":\"4\"}", "$.alerts[*]");
        badRequest(am, "{\"alerts\":[\"not an alert\"]}", "$.alerts[0]");
    }
}
