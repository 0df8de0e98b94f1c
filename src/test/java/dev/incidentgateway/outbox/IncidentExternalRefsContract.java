package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.testsupport.HttpApi;
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

    @Override
    Map<String, String> extraEnv() throws Exception {
        // The shipped descriptors, with the Slack workspace set so that threads get a permalink.
        Path connectors = Files.createTempDirectory("gateway-connectors-");
        for (String name : List.of("servicenow.yaml", "jira.yaml", "slack.yaml")) {
            String yaml = Files.readString(Path.of("connectors", name));
            Files.writeString(connectors.resolve(name), yaml.replace("# workspaceUrl: https://acme.slack.com", "workspaceUrl: " + WORKSPACE));
        }
        return Map.of("GATEWAY_CONNECTORS_DIR", connectors.toString());
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

    private void declare(String id, String severity) {
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Checkout failing " + id, "actor", "alice",
                "severity", severity));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
