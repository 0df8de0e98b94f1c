package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static dev.incidentgateway.connectors.jira.JiraFixtures.data;
import static dev.incidentgateway.connectors.jira.JiraFixtures.delivery;
import static dev.incidentgateway.connectors.jira.JiraFixtures.descriptor;
import static dev.incidentgateway.timeline.EventType.ACK;
import static dev.incidentgateway.timeline.EventType.CLOSE;
import static dev.incidentgateway.timeline.EventType.DECLARE;
import static dev.incidentgateway.timeline.EventType.NOTE;
import static dev.incidentgateway.timeline.EventType.RESOLVE;
import static dev.incidentgateway.timeline.EventType.ROLE_ASSIGN;
import static dev.incidentgateway.timeline.EventType.STATE_CHANGE;
import static dev.incidentgateway.timeline.IncidentStatus.ACKNOWLEDGED;
import static dev.incidentgateway.timeline.IncidentStatus.CLOSED;
import static dev.incidentgateway.timeline.IncidentStatus.DECLARED;
import static dev.incidentgateway.timeline.IncidentStatus.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jira sink over real HTTP (camel-http) against {@link FakeJira}. */
class JiraSinkIT {
    private final JiraSinkFactory factory = new JiraSinkFactory();
    private DefaultCamelContext camel;
    private SinkHttpClient http;
    private FakeJira jira;

    @BeforeEach
    void start() {
        // A bare context, as production's: SinkHttpClient itself turns off HttpClient's own retries of 429/503 (which
        // would sleep out Retry-After on the relay's thread), and the 429/503 tests below fail if it stops doing so.
        camel = new DefaultCamelContext();
        camel.start();
        http = new SinkHttpClient(camel.createProducerTemplate());
        jira = new FakeJira();
    }

    @AfterEach
    void stop() {
        jira.close();
        camel.stop();
    }

    private Sink sink() {
        return factory.create(descriptor(), jira.env(), http);
    }

    private ExternalRef declare(Sink sink, String incident) {
        DeliveryResult r = sink.deliver(delivery(incident, DECLARE, DECLARED, null));
        assertThat(r).isInstanceOf(DeliveryResult.Delivered.class);
        return ((DeliveryResult.Delivered) r).created();
    }

    @Test
    void lifecycleCreatesCommentsAndTransitionsOneIssue() {
        Sink sink = sink();
        ExternalRef ref = declare(sink, "INC-42");
        assertThat(ref).isEqualTo(new ExternalRef("INC-42", "jira", "10001", "OPS-1", null, jira.baseUrl() + "/browse/OPS-1"));

        assertThat(sink.deliver(delivery("INC-42", ACK, ACKNOWLEDGED, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(sink.deliver(delivery("INC-42", NOTE, ACKNOWLEDGED, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(sink.deliver(delivery("INC-42", RESOLVE, RESOLVED, ref))).isEqualTo(DeliveryResult.delivered());
        // close maps to Done as well: already current, nothing to send, still delivered
        assertThat(sink.deliver(delivery("INC-42", CLOSE, CLOSED, ref))).isEqualTo(DeliveryResult.delivered());

        assertThat(jira.receivedFor("INC-42")).containsExactly("declare", "ack", "note", "resolve");
        assertThat(jira.ticketCount("INC-42")).isEqualTo(1);
        FakeJiraState.Issue issue = jira.issuesFor("INC-42").get(0);
        assertThat(issue.status).isEqualTo("Done");
        assertThat(issue.fields.path("summary").asText()).isEqualTo("[sev2] INC-42: Checkout latency above 2s");
        assertThat(issue.fields.path("issuetype").path("name").asText()).isEqualTo("Task");
        assertThat(issue.fields.path("priority").path("name").asText()).isEqualTo("High");
        assertThat(issue.fields.path("labels").toString()).isEqualTo("[\"incident-gateway\",\"incident-gateway-INC-42\"]");
        assertThat(FakeJiraChecks.text(issue.comments.get(0))).startsWith("[note]").contains("Rolled back deploy 2025.03.01-2");
        assertThat(jira.requests()).allSatisfy(r -> assertThat(r.event()).isNotBlank());
    }

    @Test
    void withGatewayPublicUrlTheDescriptionLinksToTheIncidentsConsolePage() {
        Map<String, String> env = new HashMap<>(jira.env());
        env.put("GATEWAY_PUBLIC_URL", "https://gw.example.com");
        declare(factory.create(descriptor(), env, http), "INC-8");
        assertThat(FakeJiraChecks.text(jira.issuesFor("INC-8").get(0).fields.get("description")))
                .contains("https://gw.example.com/#/incidents/INC-8");
    }

    @Test
    void descriptionIsAnAtlassianDocumentTheFakeAccepts() {
        declare(sink(), "INC-7");
        JsonNode description = jira.issuesFor("INC-7").get(0).fields.get("description");
        assertThat(FakeJiraChecks.isAdf(description)).isTrue();
        JsonNode first = description.path("content").get(0);
        assertThat(first.path("type").asText()).isEqualTo("paragraph");
        assertThat(first.path("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"p99 of /checkout is 2.4s since 10:12.\"},"
                + "{\"type\":\"hardBreak\"},{\"type\":\"text\",\"text\":\"Runbook: https://runbooks.example/checkout\"}]");
        assertThat(FakeJiraChecks.text(description)).contains("Incident INC-7 (sev2) declared by alice at 2025-03-01T10:16:30Z.");
    }

    @Test
    void createAfterACrashReusesTheIssueFoundByLabel() {
        Sink sink = sink();
        ExternalRef first = declare(sink, "INC-9");
        // the relay crashed before recording the ref: the declare is delivered again without it
        assertThat(declare(sink, "INC-9")).isEqualTo(first);
        // a later event without a ref finds it too, and says so
        assertThat(sink.deliver(delivery("INC-9", NOTE, DECLARED, null))).isEqualTo(new DeliveryResult.Delivered(first));
        assertThat(jira.ticketCount("INC-9")).isEqualTo(1);
        assertThat(jira.receivedFor("INC-9")).containsExactly("declare", "note");
    }

    @Test
    void roleAssignAndStateChangeReopen() {
        Sink sink = sink();
        ExternalRef ref = declare(sink, "INC-3");
        sink.deliver(delivery("INC-3", ROLE_ASSIGN, DECLARED, ref, data("role", "commander").put("assignee", "bob")));
        sink.deliver(delivery("INC-3", RESOLVE, RESOLVED, ref));
        assertThat(sink.deliver(delivery("INC-3", STATE_CHANGE, ACKNOWLEDGED, ref, data("to", "acknowledged"))))
                .isEqualTo(DeliveryResult.delivered());
        assertThat(jira.receivedFor("INC-3")).containsExactly("declare", "role_assign", "resolve", "state_change");
        assertThat(jira.issuesFor("INC-3").get(0).status).isEqualTo("In Progress");
        assertThat(FakeJiraChecks.text(jira.issuesFor("INC-3").get(0).comments.get(0)))
                .startsWith("[role_assign]").endsWith("commander: bob");
    }

    @Test
    void aSeverityChangeSetsThePriorityAndComments() {
        Sink sink = sink();
        ExternalRef ref = declare(sink, "INC-11");
        assertThat(sink.deliver(delivery("INC-11", STATE_CHANGE, DECLARED, ref,
                data("severity", "sev1").put("previousSeverity", "sev2").put("reason", "customer impact"))))
                .isEqualTo(DeliveryResult.delivered());
        FakeJiraState.Issue issue = jira.issuesFor("INC-11").get(0);
        assertThat(issue.fields.path("priority").path("name").asText()).isEqualTo("Highest");
        assertThat(issue.status).as("no data.to: no transition").isEqualTo("To Do");
        assertThat(FakeJiraChecks.text(issue.comments.get(0))).isEqualTo("Severity changed sev2 → sev1 by alice: customer impact");

        assertThat(sink.deliver(delivery("INC-11", STATE_CHANGE, ACKNOWLEDGED, ref,
                data("to", "acknowledged").put("severity", "sev3").put("previousSeverity", "sev1"))))
                .isEqualTo(DeliveryResult.delivered());
        assertThat(issue.fields.path("priority").path("name").asText()).isEqualTo("Medium");
        assertThat(issue.status).isEqualTo("In Progress");
        assertThat(jira.receivedFor("INC-11")).containsExactly("declare", "state_change:priority", "state_change",
                "state_change:priority", "state_change", "state_change");

        // A project without a Priority field: the comment only.
        Sink noPriorities = factory.create(descriptor(raw -> raw.putObject("priorities")), jira.env(), http);
        ExternalRef other = declare(noPriorities, "INC-12");
        assertThat(noPriorities.deliver(delivery("INC-12", STATE_CHANGE, DECLARED, other,
                data("severity", "sev1").put("previousSeverity", "sev2")))).isEqualTo(DeliveryResult.delivered());
        assertThat(jira.receivedFor("INC-12")).containsExactly("declare", "state_change");
        assertThat(jira.requests()).filteredOn(r -> r.method().equals("PUT")).as("INC-11's two priority edits").hasSize(2);
    }

    @Test
    void jiraErrorBodyBecomesTheDeadReason() {
        Sink sink = factory.create(descriptor(raw -> raw.put("issueType", "Incidnet")), jira.env(), http);
        DeliveryResult r = sink.deliver(delivery("INC-5", DECLARE, DECLARED, null));
        assertThat(r).isEqualTo(new DeliveryResult.Dead(
                "HTTP 400: create issue in OPS: issuetype: The issue type selected is invalid."));

        ExternalRef ref = declare(sink(), "INC-6");
        jira.failNext(1, 400, Map.of(), "{\"errorMessages\":[\"Comment body can not be empty!\"],"
                + "\"errors\":{\"comment\":\"Operation value must be an Atlassian Document\"}}");
        assertThat(sink().deliver(delivery("INC-6", NOTE, DECLARED, ref))).isEqualTo(new DeliveryResult.Dead(
                "HTTP 400: comment on OPS-1: Comment body can not be empty!; comment: Operation value must be an Atlassian Document"));
    }

    @Test
    void transitionMissingFromTheWorkflowIsDead() {
        Sink sink = factory.create(descriptor(raw -> raw.withObject("/transitions").put("resolve", "Closed")), jira.env(), http);
        ExternalRef ref = declare(sink, "INC-8");
        DeliveryResult r = sink.deliver(delivery("INC-8", RESOLVE, RESOLVED, ref));
        assertThat(r).isInstanceOf(DeliveryResult.Dead.class);
        assertThat(((DeliveryResult.Dead) r).reason()).contains("no transition 'Closed' from status 'To Do' of OPS-1",
                "Start Progress → In Progress", "Done → Done", "transitions.resolve");
    }

    @Test
    void rateLimitRetriesAfterWhatJiraSaid() {
        ExternalRef ref = declare(sink(), "INC-11");
        jira.failNext(1, 429, Map.of("Retry-After", "37"), "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}");
        DeliveryResult r = sink().deliver(delivery("INC-11", ACK, ACKNOWLEDGED, ref));
        assertThat(r).isEqualTo(new DeliveryResult.Retry("HTTP 429: list transitions of OPS-1: Rate limit exceeded.",
                Duration.ofSeconds(37)));
        assertThat(sink().deliver(delivery("INC-11", ACK, ACKNOWLEDGED, ref))).isEqualTo(DeliveryResult.delivered());
    }

    @Test
    void aCreateWhoseAnswerWasLostIsRetriedOnlyOnceTheSearchCanFindIt() {
        jira.setSearchIndexLagging(true);
        jira.loseNextCreateAnswer(502);
        DeliveryResult lost = sink().deliver(delivery("INC-15", DECLARE, DECLARED, null));
        assertThat(jira.ticketCount("INC-15")).as("Jira made the issue before the answer was lost").isEqualTo(1);
        assertThat(lost).isInstanceOfSatisfying(DeliveryResult.Retry.class, r -> {
            assertThat(r.reason()).startsWith("HTTP 502: create issue in OPS");
            assertThat(r.retryAfter()).as("not rate-limited: the attempt counts").isNull();
            assertThat(r.atLeast()).as("no sooner than the search shows a new issue").isEqualTo(JiraSink.SEARCH_LAG);
        });
        assertThat(sink().deliver(delivery("INC-16", DECLARE, DECLARED, null))).as("an answered create waits for nothing")
                .isInstanceOf(DeliveryResult.Delivered.class);

        jira.setSearchIndexLagging(false); // what the wait is for: the retry's search finds the issue and reuses it
        assertThat(sink().deliver(delivery("INC-15", DECLARE, DECLARED, null))).isInstanceOfSatisfying(
                DeliveryResult.Delivered.class, d -> assertThat(d.created().externalKey()).isEqualTo("OPS-1"));
        assertThat(jira.ticketCount("INC-15")).isEqualTo(1);
    }

    @Test
    void unavailableOrUnreachableIsRetried() {
        jira.setDown(true);
        DeliveryResult r = sink().deliver(delivery("INC-12", DECLARE, DECLARED, null));
        assertThat(r).isEqualTo(new DeliveryResult.Retry("HTTP 503: search issues: Service unavailable", null));
        jira.setDown(false);
        declare(sink(), "INC-12");
        assertThat(jira.ticketCount("INC-12")).isEqualTo(1);

        Map<String, String> env = new HashMap<>(jira.env());
        jira.close();
        DeliveryResult refused = factory.create(descriptor(), env, http).deliver(delivery("INC-13", DECLARE, DECLARED, null));
        assertThat(refused).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) refused).reason()).startsWith("HTTP no answer: search issues");
        jira = new FakeJira();
    }

    @Test
    void badCredentialsAreDeadWithoutTheToken() {
        Map<String, String> env = new HashMap<>(jira.env());
        env.put("JIRA_API_TOKEN", "wrong-token-value");
        DeliveryResult r = factory.create(descriptor(), env, http).deliver(delivery("INC-14", DECLARE, DECLARED, null));
        assertThat(r).isEqualTo(new DeliveryResult.Dead(
                "HTTP 401: search issues: Client must be authenticated to access this resource."));
        String basic = Base64.getEncoder().encodeToString((FakeJira.EMAIL + ":wrong-token-value").getBytes());
        assertThat(((DeliveryResult.Dead) r).reason()).doesNotContain("wrong-token-value", basic, FakeJira.TOKEN);
        assertThat(jira.ticketCount("INC-14")).isZero();
    }

    /**
     * Security review: a vendor that echoes the request's credentials in its error body put the URL-encoded and base64
     * forms of the API token (and the base64 of email:token, as Basic auth sends it) into the failure reason.
     */
    @Test
    void anErrorEchoingEncodedCredentialsHoldsNoFormOfThem() {
        String token = "jiraT0ken+/=x y&z";
        Map<String, String> env = new HashMap<>(jira.env());
        env.put("JIRA_API_TOKEN", token);
        Sink echoed = factory.create(descriptor(), env, http);
        Map<String, String> forms = new java.util.LinkedHashMap<>(dev.incidentgateway.testsupport.EchoedSecrets.forms(token));
        dev.incidentgateway.testsupport.EchoedSecrets.base64(FakeJira.EMAIL + ":" + token)
                .forEach((name, form) -> forms.put("email:token " + name, form));
        int n = 0;
        for (Map.Entry<String, String> form : forms.entrySet()) {
            jira.failNext(1, 400, Map.of(), "{\"errorMessages\":[\"token " + form.getValue() + " refused\"],\"errors\":{}}");
            DeliveryResult r = echoed.deliver(delivery("INC-9" + n++, DECLARE, DECLARED, null));
            assertThat(r).as(form.getKey()).isInstanceOf(DeliveryResult.Dead.class);
            assertThat(((DeliveryResult.Dead) r).reason()).as(form.getKey()).contains("token *** refused").doesNotContain(form.getValue());
        }
    }

    @Test
    void badEnvironmentStopsTheStart() {
        Map<String, String> env = new HashMap<>(jira.env());
        env.put("JIRA_URL", "acme.atlassian.net");
        env.put("JIRA_PROJECT", "my project");
        assertThatThrownBy(() -> factory.create(descriptor(), env, http)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("JIRA_URL").hasMessageContaining("JIRA_PROJECT").hasMessageNotContaining(FakeJira.TOKEN);
        SinkDescriptor bad = descriptor(raw -> raw.withObject("/transitions").put("note", "Done"));
        assertThatThrownBy(() -> factory.create(bad, jira.env(), http)).hasMessageContaining("transitions.note");
    }
}
