package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reopen in ServiceNow through a real gateway: the incident leaves resolved (resolvedAt cleared in its view), and the
 * reopen goes out to the other targets like any event (the Jira issue goes back to In Progress), never back to
 * ServiceNow, which it came from.
 */
class ServiceNowReopenFanOutIT {

    @Test
    void aRecordReopenedInServiceNowReopensTheIncidentAndTheJiraIssue() throws Exception {
        try (FakeServiceNow sn = new FakeServiceNow(); FakeJira jira = new FakeJira()) {
            Map<String, String> env = new HashMap<>(sn.env());
            env.putAll(jira.env());
            env.put("SERVICENOW_POLL_INTERVAL", "1");
            env.put("JIRA_POLL_INTERVAL", "0");
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "50");
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, env)) {
                HttpApi http = fixture.http();
                ObjectNode record = sn.createAs("alice", fields().put("short_description", "Checkout errors")
                        .put("urgency", "1").put("impact", "2").put("state", "1"));
                String sysId = record.path("sys_id").asText();
                String id = "SN-" + record.path("number").asText().replaceAll("\\D", "");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jira.issuesFor(id)).hasSize(1));

                sn.updateAs("bob", sysId, fields().put("state", "6").put("close_code", "Solution provided")
                        .put("close_notes", "rolled back"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(view(http, id).path("status").asText()).isEqualTo("resolved");
                    assertThat(jira.issuesFor(id).get(0).status).isEqualTo("Done");
                });
                assertThat(view(http, id).path("resolvedAt").isNull()).isFalse();

                sn.updateAs("bob", sysId, fields().put("state", "2"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(view(http, id).path("status").asText()).isEqualTo("acknowledged");
                    assertThat(jira.issuesFor(id).get(0).status).as("the reopen fans out").isEqualTo("In Progress");
                });
                JsonNode view = view(http, id);
                assertThat(view.path("resolvedAt").isMissingNode() || view.path("resolvedAt").isNull())
                        .as("cleared by the reopen: " + view).isTrue();
                assertThat(types(http, id)).containsExactly("declare", "resolve", "state_change");
                assertThat(sn.requests()).as("what came from ServiceNow is not sent back to it")
                        .noneMatch(r -> r.startsWith("PATCH") || r.startsWith("POST"));
            }
        }
    }

    private static ObjectNode fields() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static JsonNode view(HttpApi http, String id) {
        return http.get("/api/v1/incidents/" + id).json();
    }

    private static List<String> types(HttpApi http, String id) {
        List<String> types = new ArrayList<>();
        http.get("/api/v1/incidents/" + id + "/timeline").json().path("events").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }
}
