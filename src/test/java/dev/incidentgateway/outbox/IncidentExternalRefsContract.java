package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TempDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/incidents/{id}}'s {@code externalRefs}: the ServiceNow record, Jira issue and Slack thread the
 * stateful fakes made for an incident, with the links the connectors stored (the Slack permalink from the descriptor's
 * {@code workspaceUrl}), next to the incident's fields as they were.
 */
abstract class IncidentExternalRefsContract extends VendorGatewayContract {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WORKSPACE = "https://acme.slack.com";
    private static final String WEBHOOK_TOKEN = "refs-webhook-" + java.util.UUID.randomUUID();
    /** Tickets of someone else's (another Jira project, a ServiceNow record) a caller tries to link an incident to. */
    private static final String FOREIGN_ISSUE = "FIN-7";
    private static final String FOREIGN_ISSUE_ID = "99999";
    private static final String FOREIGN_SYS_ID = "46d44a7fdb0f1010a9b4f3c7e8961900";

    @Override
    Map<String, String> extraEnv() throws Exception {
        // The shipped descriptors, with the Slack workspace set so that threads get a permalink.
        Path connectors = TempDirs.directory("gateway-connectors-");
        for (String name : List.of("servicenow.yaml", "jira.yaml", "slack.yaml")) {
            String yaml = Files.readString(Path.of("connectors", name));
            Files.writeString(connectors.resolve(name), yaml.replace("# workspaceUrl: https://acme.slack.com", "workspaceUrl: " + WORKSPACE));
        }
        return Map.of("GATEWAY_CONNECTORS_DIR", connectors.toString(), "GATEWAY_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
    }

    @Test
    void theIncidentNamesAndLinksItsTicketsAndThread() {
        String id = "REF-" + kind().ordinal() + "1";
        declare(id, "sev1");
        JsonNode before = http.get("/api/v1/incidents/" + id).json();
        assertThat(before.path("externalRefs").isArray()).as(before.toString()).isTrue();

        await().atMost(WAIT).until(() -> fakes.stream().allMatch(f -> f.receivedFor(id).contains("declare")));
        JsonNode incident = await().atMost(WAIT).until(() -> http.get("/api/v1/incidents/" + id).json(),
                i -> i.path("externalRefs").size() == 3);
        assertThat(incident.path("externalRefs").findValuesAsText("connector")).containsExactly("jira", "servicenow", "slack");
        Map<String, JsonNode> refs = new HashMap<>();
        incident.path("externalRefs").forEach(r -> refs.put(r.path("connector").asText(), r));

        JsonNode record = serviceNow.record(id);
        JsonNode sn = refs.get("servicenow");
        assertThat(sn.path("externalId").asText()).isEqualTo(record.path("sys_id").asText()).isNotBlank();
        assertThat(sn.path("externalKey").asText()).isEqualTo(record.path("number").asText()).startsWith("INC");
        assertThat(sn.path("url").asText()).isEqualTo(serviceNow.baseUrl() + "/nav_to.do?uri=incident.do?sys_id=" + record.path("sys_id").asText());

        JsonNode issue = refs.get("jira");
        assertThat(issue.path("externalKey").asText()).matches(FakeJira.PROJECT + "-\\d+");
        assertThat(issue.path("externalId").asText()).matches("\\d+");
        assertThat(issue.path("url").asText()).isEqualTo(jira.baseUrl() + "/browse/" + issue.path("externalKey").asText());

        JsonNode root = slack.rootMessage(id);
        JsonNode thread = refs.get("slack");
        assertThat(thread.path("externalId").asText()).isEqualTo(root.path("ts").asText()).isNotBlank();
        assertThat(thread.path("channel").asText()).isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(thread.has("externalKey")).as("Slack has no key; absent fields are left out").isFalse();
        assertThat(thread.path("url").asText())
                .isEqualTo(WORKSPACE + "/archives/" + FakeSlack.CHANNEL_ID + "/p" + root.path("ts").asText().replace(".", ""));

        // Only added: the incident's own fields are what they were before the tickets existed.
        for (String field : List.of("id", "title", "status", "severity", "declaredAt", "allowedEvents")) {
            assertThat(incident.path(field)).as(field).isEqualTo(before.path(field));
        }
    }

    @Test
    void aConnectorTheIncidentWasNotSentToIsNotListed() {
        String id = "REF-" + kind().ordinal() + "2";
        declare(id, "sev4"); // below jira.yaml's minSeverity sev3: no issue
        JsonNode incident = await().atMost(WAIT).until(() -> http.get("/api/v1/incidents/" + id).json(),
                i -> i.path("externalRefs").size() == 2);
        assertThat(incident.path("externalRefs").findValuesAsText("connector")).containsExactly("servicenow", "slack");
        assertThat(http.get("/api/v1/incidents/NOPE-1").status()).isEqualTo(404);
    }

    /**
     * Security review s35, finding 1: a write key or a CloudEvents sender put {@code data.externalRef} in a declare, and
     * the sinks then commented on, transitioned and resolved the issue or record it named. Only a connector's poller may
     * link a ticket now: the declare is refused naming the field, nothing is stored, and no call reaches those tickets.
     */
    @Test
    void aCallersTicketLinkIsRefusedAndTheGatewayNeverWritesToThatTicket() throws Exception {
        String id = "REF-" + kind().ordinal() + "3";
        String own = "REF-" + kind().ordinal() + "4";
        List<JsonNode> foreign = List.of(
                obj("connector", "jira", "externalId", FOREIGN_ISSUE_ID, "externalKey", FOREIGN_ISSUE, "url", "https://evil.example/phish"),
                obj("connector", "servicenow", "externalId", FOREIGN_SYS_ID));
        for (JsonNode ref : foreign) {
            HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "hijack", "actor", "a",
                    "severity", "sev2", "data", obj("externalRef", ref)));
            assertRefused(r, "data.externalRef");
        }
        String hijack = cloudEvent(id + "-ce-1", "{\"title\":\"hijack-ce\",\"actor\":\"a\",\"data\":{\"externalRef\":"
                + HttpApi.toJson(foreign.get(0)) + "}}");
        String fine = cloudEvent(id + "-ce-0", "{\"title\":\"fine-ce\",\"actor\":\"a\"}");
        HttpApi.Response batch = http.post("/webhooks/cloudevents", "application/cloudevents-batch+json", "[" + fine + "," + hijack + "]",
                "Authorization", "Bearer " + WEBHOOK_TOKEN);
        assertRefused(batch, "[1].data.data.externalRef");
        assertRefused(http.post("/webhooks/cloudevents", "application/cloudevents+json", hijack, "Authorization",
                "Bearer " + WEBHOOK_TOKEN), "data.data.externalRef");

        assertThat(http.get("/api/v1/incidents/" + id).status()).as("nothing stored").isEqualTo(404);
        assertThat(count("SELECT COUNT(*) FROM incidents WHERE title IN ('hijack', 'hijack-ce', 'fine-ce')")).isZero();
        assertThat(count("SELECT COUNT(*) FROM external_refs WHERE incident_id = '" + id + "' OR external_id IN ('"
                + FOREIGN_ISSUE_ID + "', '" + FOREIGN_SYS_ID + "')")).as("no link").isZero();

        // What the reviewer then did: a note and a resolve, which went to the linked ticket. An incident of the gateway's
        // own goes through the same steps, so that its deliveries show the sinks had the time to make any call.
        for (String incident : List.of(id, own)) {
            if (incident.equals(own)) {
                declare(own, "sev2");
            }
            http.postJson("/api/v1/incidents/" + incident + "/events", obj("type", "note", "actor", "a", "content", "status?"));
            http.postJson("/api/v1/incidents/" + incident + "/events", obj("type", "resolve", "actor", "a"));
        }
        await().atMost(WAIT).until(() -> jira.receivedFor(own).contains("resolve") && serviceNow.receivedFor(own).contains("resolve"));
        assertThat(jira.requests()).as("no call about the foreign issue")
                .noneMatch(r -> r.uri().contains(FOREIGN_ISSUE) || r.uri().contains(FOREIGN_ISSUE_ID));
        assertThat(serviceNow.requests()).as("no call about the foreign record").noneMatch(r -> r.contains(FOREIGN_SYS_ID));
    }

    private static String cloudEvent(String ceId, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + ceId + "\",\"source\":\"urn:test\",\"type\":\"com.example.incident.declare\","
                + "\"data\":" + data + "}";
    }

    private static void assertRefused(HttpApi.Response r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo(field);
        assertThat(r.json().path("detail").asText()).as(r.toString()).contains("set by the connector's poller only");
    }

    private long count(String sql) throws Exception {
        try (var c = fixture.gateway().dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void declare(String id, String severity) {
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Checkout failing " + id, "actor", "alice",
                "severity", severity));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
