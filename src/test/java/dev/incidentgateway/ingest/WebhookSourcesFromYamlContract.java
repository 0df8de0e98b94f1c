package dev.incidentgateway.ingest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static dev.incidentgateway.ingest.WebhookFixtures.standardWebhooksSignature;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook sources declared only by a YAML file in {@code GATEWAY_CONNECTORS_DIR} (see {@link WebhookSourceDescriptors}),
 * over real HTTP on each kind of store (H2 and PostgreSQL subclasses): Standard Webhooks signatures, an explicitly open
 * source (warned about at start), a sender's batch, a source whose secret is unset, a descriptor added while running.
 */
abstract class WebhookSourcesFromYamlContract extends WebhookSourcesHarness {
    // ---------------------------------------------------------------- a source declared by YAML alone

    static byte[] acme(String id, String check, String state, String summary) {
        return """
                {"id":"%s","check":"%s","state":"%s","summary":"%s","sev":"sev2","by":"acme-monitor","region":"eu-west-1"}"""
                .formatted(id, check, state, summary).getBytes(StandardCharsets.UTF_8);
    }

    String[] signed(String webhookId, long timestamp, byte[] body) {
        return new String[]{"webhook-id", webhookId, "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", standardWebhooksSignature(acmeSecret, webhookId, timestamp, body)};
    }

    @Test
    void standardWebhooksSourceFromAYamlFileAcceptsOnlyFreshCorrectSignatures() {
        String check = "api-health-" + System.nanoTime();
        byte[] down = acme("acme-evt-1-" + check, check, "down", "API health check failing");
        long now = Instant.now().getEpochSecond();
        String otherSecret = WebhookFixtures.newStandardWebhooksSecret();
        String goodSig = standardWebhooksSignature(acmeSecret, "msg_1", now, down);
        int before = eventCount();

        // wrong key
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", standardWebhooksSignature(otherSecret, "msg_1", now, down)), acmeSecret);
        // correctly signed, but stale / from the future (±5 min)
        assertUnauthorized(post("acme", down, signed("msg_1", now - 600, down)), acmeSecret);
        assertUnauthorized(post("acme", down, signed("msg_1", now + 600, down)), acmeSecret);
        // each header missing
        assertUnauthorized(post("acme", down), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-timestamp", Long.toString(now), "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now)), acmeSecret);
        // signature of another body, of another id, or for another timestamp
        byte[] tampered = acme("acme-evt-1-" + check, check, "down", "Something else");
        assertUnauthorized(post("acme", tampered, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_2", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now - 1),
                "webhook-signature", goodSig), acmeSecret);
        // wrong version tag, and the gateway's bearer token
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig.replace("v1,", "v2,")), acmeSecret);
        assertUnauthorized(post("acme", down, BEARER), acmeSecret, TOKEN);
        assertThat(eventCount()).as("nothing stored on any 401").isEqualTo(before);

        Response good = ok(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig));
        assertThat(accepted(good)).hasSize(1);
        String id = incidentOf(accepted(good).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("title").asText()).isEqualTo("API health check failing");
        assertThat(view.path("severity").asText()).isEqualTo("sev2");
        JsonNode first = timeline(id).get(0);
        assertThat(first.path("actor").asText()).isEqualTo("acme-monitor");
        assertThat(first.path("data").path("region").asText()).isEqualTo("eu-west-1");
        assertThat(first.path("ceSource").asText()).isEqualTo("/webhooks/acme");

        // A retry (new attempt: same payload, fresh timestamp) is a duplicate.
        Response retry = ok(post("acme", down, signed("msg_1", now + 1, down)));
        assertThat(accepted(retry)).isEmpty();
        assertThat(duplicates(retry)).containsExactlyElementsOf(accepted(good));

        // Within the tolerance, and with several signatures (secret rotation) of which one is valid.
        byte[] up = acme("acme-evt-2-" + check, check, "up", "API health check passing");
        long recent = now - 240;
        String rotated = standardWebhooksSignature(otherSecret, "msg_3", recent, up) + " "
                + standardWebhooksSignature(acmeSecret, "msg_3", recent, up);
        Response resolved = ok(post("acme", up, "webhook-id", "msg_3", "webhook-timestamp", Long.toString(recent),
                "webhook-signature", rotated));
        assertThat(accepted(resolved)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");

        // Signed but not JSON: 400 naming the body (authentication passed, the mapper refused).
        byte[] notJson = "{oops".getBytes(StandardCharsets.UTF_8);
        Response malformed = post("acme", notJson, signed("msg_4", now, notJson));
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
        assertThat(malformed.json().path("field").asText()).isEqualTo("body");
    }

    @Test
    void anExplicitlyOpenSourceAcceptsUnsignedRequests() {
        String check = "open-" + System.nanoTime();
        Response r = ok(post("openhook", acme("open-evt-" + check, check, "down", "Open source alert")));
        assertThat(accepted(r)).hasSize(1);
        assertThat(incident(incidentOf(accepted(r).get(0))).path("title").asText()).isEqualTo("Open source alert");
        Response again = ok(post("openhook", acme("open-evt-" + check, check, "down", "Open source alert"),
                "Authorization", "Bearer whatever"));
        assertThat(duplicates(again)).containsExactlyElementsOf(accepted(r));
    }

    @Test
    void aSendersBatchAbsorbsARepeatedStateAndReportsARefusedItemWhileTheOtherItemsCommit() {
        String n = Long.toString(System.nanoTime());
        String a = ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"firing\",\"summary\":\"A\"}"))).json()
                .path("accepted").get(0).asText();
        String incidentA = incidentOf(a);
        ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"acked\"}")));
        int before = eventCount();

        // A new alert and a repeated ack (a different item, so not a duplicate): the ack is absorbed, the new alert declared.
        Response repeat = ok(post("batchhook", alerts("{\"check\":\"c-" + n + "\",\"state\":\"firing\",\"summary\":\"C\"}",
                "{\"check\":\"a-" + n + "\",\"state\":\"acked\",\"at\":2}")));
        assertThat(accepted(repeat)).hasSize(1);
        assertThat(ignored(repeat)).isEqualTo(1);
        assertThat(repeat.json().has("refused")).as(repeat.toString()).isFalse();
        assertThat(incident(incidentOf(accepted(repeat).get(0))).path("title").asText()).isEqualTo("C");
        assertThat(eventCount()).isEqualTo(before + 1);
        assertThat(timelineTypes(incidentA)).containsExactly("declare", "ack");

        // A transition the state machine refuses (mitigated → ack) is reported by item; the other item commits.
        ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"mitigated\"}")));
        Response refused = ok(post("batchhook", alerts("{\"check\":\"d-" + n + "\",\"state\":\"firing\",\"summary\":\"D\"}",
                "{\"check\":\"a-" + n + "\",\"state\":\"acked\",\"at\":3}")));
        assertThat(accepted(refused)).hasSize(1);
        assertThat(ignored(refused)).isEqualTo(1);
        JsonNode item = refused.json().path("refused").path(0);
        assertThat(item.path("index").asInt()).as(refused.toString()).isEqualTo(1);
        assertThat(item.path("field").asText()).isEqualTo("$.alerts[1].state");
        assertThat(item.path("type").asText()).isEqualTo("urn:incident-gateway:problem:transition-refused");
        assertThat(item.path("detail").asText()).contains("mitigated");
        assertThat(timelineTypes(incidentA)).containsExactly("declare", "ack", "mitigate");
        assertThat(incident(incidentOf(accepted(refused).get(0))).path("title").asText()).isEqualTo("D");
    }

    private static byte[] alerts(String... items) {
        return ("{\"alerts\":[" + String.join(",", items) + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void anOpenSourceIsWarnedAboutAtStart() {
        List<ILoggingEvent> events = loggedSoFar();
        List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("the open source is warned about").anyMatch(m -> m.contains("openhook"));
        assertThat(warnings).as("no authenticated source is reported open").noneMatch(m -> m.toLowerCase().contains("open")
                && Stream.of("'acme'", "'pagerduty'", "'datadog'", "'grafana'", "'alertmanager'").anyMatch(m::contains));
    }

    @Test
    void aSourceWhoseOwnSecretIsUnsetIsOff() {
        String check = "dormant-" + System.nanoTime();
        Response r = post("dormant", acme("dormant-evt", check, "down", "Should not exist"), BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().path("detail").asText()).as("says why, not 'no such source'")
                .contains("webhook source 'dormant' is off").contains("set DORMANT_SECRET_NOT_SET_");
        assertThat(post("no-such-source", acme("nss-evt", check, "down", "x"), BEARER).json().path("detail").asText())
                .contains("no webhook source named 'no-such-source'");
    }

    /**
     * Platform trial: a descriptor written while the gateway runs got the 404 of a name no source has. Sources are loaded
     * at the start, so the 404 says to restart; it names only the file of the name the caller sent (a name it chose),
     * and a name without a file keeps the plain 404. Nothing is stored.
     */
    @Test
    void aDescriptorAddedWhileRunningIs404SayingToRestart() throws IOException {
        int before = eventCount();
        Path late = Files.writeString(connectorsDir.resolve("latecomer.yaml"), "kind: webhook-source\nname: latecomer\n"
                + "mapper: cloudevents\nauth: {mode: none}\n");
        Response r = post("latecomer", acme("late-evt", "late-" + System.nanoTime(), "down", "Late"), BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).contains("webhook source 'latecomer' is not loaded", "loaded at the start",
                "connectors/latecomer.yaml", "restart").doesNotContain(connectorsDir.toString());
        assertThat(post("slack", acme("sl-evt", "sl", "down", "x"), BEARER).json().path("detail").asText())
                .as("a descriptor the start loaded (a sink) is no source added since").contains("no webhook source named 'slack'");
        assertThat(post("..%2Flatecomer", acme("x", "x", "down", "x"), BEARER).status()).isEqualTo(404);
        assertThat(eventCount()).isEqualTo(before);
        Files.delete(late); // the next class's start must not load it
    }
}
