package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.incidentgateway.ingest.WebhookFixtures.bytes;
import static dev.incidentgateway.ingest.WebhookFixtures.edited;
import static dev.incidentgateway.ingest.WebhookFixtures.pagerDutySignature;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped PagerDuty (hmac-sha256-hex signature) and Datadog (its own bearer token) webhook sources fed their
 * vendors' fixture payloads, over real HTTP on each kind of store (H2 and PostgreSQL subclasses): bad, missing or
 * foreign signatures store nothing; an incident's whole life through each.
 */
abstract class WebhookSourcesPagerDutyDatadogContract extends WebhookSourcesHarness {
    // ---------------------------------------------------------------- PagerDuty (hmac-sha256-hex)

    @Test
    void pagerDutyRefusesBadMissingOrForeignSignaturesAndStoresNothing() {
        byte[] other = edited("pagerduty-incident-triggered.json", root -> {
            ObjectNode event = (ObjectNode) root.path("event");
            event.put("id", "01OTHEREVENT" + System.nanoTime());
            ((ObjectNode) event.path("data")).put("id", "QOTHER" + System.nanoTime()).put("title", "Another PagerDuty incident");
        });
        String good = pagerDutySignature(PAGERDUTY_SECRET, other);
        String wrongKey = pagerDutySignature("not-the-secret", other);
        String ofAnotherBody = pagerDutySignature(PAGERDUTY_SECRET, bytes("pagerduty-incident-triggered.json"));
        int before = eventCount();

        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", wrongKey), PAGERDUTY_SECRET, wrongKey);
        assertUnauthorized(post("pagerduty", other), PAGERDUTY_SECRET);
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", ofAnotherBody), PAGERDUTY_SECRET);
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", good.substring(3)), PAGERDUTY_SECRET); // no v1=
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", "v1="), PAGERDUTY_SECRET);
        // The gateway's bearer token is no credential for a signing source.
        assertUnauthorized(post("pagerduty", other, BEARER), PAGERDUTY_SECRET, TOKEN);
        assertThat(eventCount()).as("nothing stored on any 401").isEqualTo(before);

        // Several signatures while PagerDuty rotates the secret: one valid entry is enough.
        Response rotated = ok(post("pagerduty", other, "X-PagerDuty-Signature", wrongKey + "," + good));
        assertThat(accepted(rotated)).hasSize(1);
        assertThat(incident(incidentOf(accepted(rotated).get(0))).path("title").asText()).isEqualTo("Another PagerDuty incident");
        Response rotatedSpaced = ok(post("pagerduty", other, "X-PagerDuty-Signature", good + ", " + wrongKey));
        assertThat(duplicates(rotatedSpaced)).containsExactlyElementsOf(accepted(rotated));
    }

    @Test
    void pagerDutyIncidentIsDeclaredAcknowledgedAnnotatedAndResolved() {
        byte[] triggered = bytes("pagerduty-incident-triggered.json");
        Response declare = ok(post("pagerduty", triggered, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, triggered)));
        assertThat(accepted(declare)).hasSize(1);
        String id = incidentOf(accepted(declare).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("status").asText()).isEqualTo("declared");
        assertThat(view.path("title").asText()).isEqualTo("Checkout API error rate above 5%");
        assertThat(view.path("severity").asText()).isEqualTo("sev1"); // priority P1
        JsonNode declared = timeline(id).get(0);
        assertThat(declared.path("ceId").asText()).isEqualTo("01DX3K8QG7C9VTH2Z4Y6W8N1PQ");
        assertThat(declared.path("data").path("pagerdutyIncidentNumber").asInt()).isEqualTo(4211);
        assertThat(Instant.parse(declared.path("eventTime").asText())).isEqualTo(Instant.parse("2024-05-14T09:12:44.518Z"));

        Response redelivered = ok(post("pagerduty", triggered, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, triggered)));
        assertThat(accepted(redelivered)).isEmpty();
        assertThat(duplicates(redelivered)).containsExactlyElementsOf(accepted(declare));

        byte[] acknowledged = bytes("pagerduty-incident-acknowledged.json");
        Response ack = ok(post("pagerduty", acknowledged, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, acknowledged)));
        assertThat(accepted(ack)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("acknowledged");
        assertThat(timeline(id).get(1).path("actor").asText()).isEqualTo("Dana Okafor");

        byte[] annotated = bytes("pagerduty-incident-annotated.json");
        Response note = ok(post("pagerduty", annotated, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, annotated)));
        assertThat(accepted(note)).hasSize(1);
        assertThat(timeline(id).get(2).path("content").asText())
                .isEqualTo("Rolled back checkout-api to v2024.05.13-2; error rate falling.");

        byte[] resolved = bytes("pagerduty-incident-resolved.json");
        Response resolve = ok(post("pagerduty", resolved, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, resolved)));
        assertThat(accepted(resolve)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
        assertThat(timelineTypes(id)).containsExactly("declare", "ack", "note", "resolve");

        // PagerDuty's test delivery (a type the source does not map): 200, nothing stored, counted as ignored.
        int beforePing = eventCount();
        String skippedSeries = "gateway_webhook_items_skipped_total{source=\"pagerduty\"}";
        double skippedBefore = http.metric(skippedSeries);
        byte[] ping = "{\"event\":{\"id\":\"01PING\",\"event_type\":\"pagey.ping\",\"data\":{\"type\":\"ping\"}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Response pinged = ok(post("pagerduty", ping, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, ping)));
        assertThat(accepted(pinged)).isEmpty();
        assertThat(ignored(pinged)).isEqualTo(1);
        assertThat(eventCount()).isEqualTo(beforePing);
        assertThat(http.metric(skippedSeries)).as("what an alert sees of a source that maps nothing").isEqualTo(skippedBefore + 1);

        // A signed but unmappable delivery: 400 naming the field (a declare without a title).
        byte[] untitled = edited("pagerduty-incident-triggered.json", root -> {
            ObjectNode data = (ObjectNode) root.path("event").path("data");
            data.remove("title");
            data.put("id", "QNOTITLE" + System.nanoTime());
            ((ObjectNode) root.path("event")).put("id", "01NOTITLE" + System.nanoTime());
        });
        Response bad = post("pagerduty", untitled, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, untitled));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().path("field").asText()).isEqualTo("$.event.data.title");
    }

    // ---------------------------------------------------------------- Datadog (bearer, own token)

    @Test
    void datadogTriggeredDeclaresAndRecoveredResolvesWithItsOwnToken() {
        byte[] triggered = bytes("datadog-triggered.json");
        int before = eventCount();
        assertUnauthorized(post("datadog", triggered, BEARER), TOKEN, DATADOG_TOKEN); // not the gateway's token
        assertUnauthorized(post("datadog", triggered), DATADOG_TOKEN);
        assertUnauthorized(post("datadog", triggered, "Authorization", "Bearer " + DATADOG_TOKEN + "x"), DATADOG_TOKEN);
        assertThat(eventCount()).isEqualTo(before);

        Response declare = ok(post("datadog", triggered, DATADOG_BEARER));
        assertThat(accepted(declare)).hasSize(1);
        String id = incidentOf(accepted(declare).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("status").asText()).isEqualTo("declared");
        assertThat(view.path("severity").asText()).isEqualTo("sev2"); // priority P2
        assertThat(view.path("title").asText()).isEqualTo("[P2] [Triggered on {host:web-03}] CPU usage high on web tier");
        JsonNode first = timeline(id).get(0);
        assertThat(first.path("ceId").asText()).isEqualTo("7503912354561029184");
        assertThat(Instant.parse(first.path("eventTime").asText())).isEqualTo(Instant.ofEpochMilli(1715677964000L));
        assertThat(first.path("data").path("hostname").asText()).isEqualTo("web-03");

        Response redelivered = ok(post("datadog", triggered, DATADOG_BEARER));
        assertThat(duplicates(redelivered)).containsExactlyElementsOf(accepted(declare));

        Response recovered = ok(post("datadog", bytes("datadog-recovered.json"), DATADOG_BEARER));
        assertThat(accepted(recovered)).hasSize(1);
        assertThat(incidentOf(accepted(recovered).get(0))).isEqualTo(id);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
        assertThat(timelineTypes(id)).containsExactly("declare", "resolve");
    }

}
