package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.SourceProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.incidentgateway.connectors.jira.JiraPollFakeData.ALICE;
import static dev.incidentgateway.connectors.jira.JiraPollFakeData.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jira poller's loop prevention (the gateway's own issue and changes) and its failures. */
class JiraPollLoopAndFailureIT extends JiraPollHarness {
    @Test
    void theGatewaysOwnIssueAndChangesDoNotComeBack() throws Exception {
        String incident = store.append(NewEvent.builder(EventType.DECLARE, "alice").title("Checkout latency above 2s")
                .severity(Severity.SEV2).build()).incidentId();
        jira.setNow(T0);
        Sink sink = new JiraSinkFactory().create(JiraFixtures.descriptor(), jira.env(), http);
        DeliveryResult created = sink.deliver(JiraFixtures.delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null));
        ExternalRef ref = ((DeliveryResult.Delivered) created).created();
        insertRef(ref);
        store.append(NewEvent.builder(EventType.ACK, "alice").incident(incident).build());
        sink.deliver(JiraFixtures.delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, ref));
        sink.deliver(JiraFixtures.delivery(incident, EventType.NOTE, IncidentStatus.ACKNOWLEDGED, ref));
        assertThat(jira.receivedFor(incident)).containsExactly("declare", "ack", "note");

        JiraPoller poller = poller();
        assertThat(sync(poller)).noneMatch(o -> o.kind() == AppendOutcome.Kind.APPENDED);
        assertThat(store.incidents(null, 10)).hasSize(1);

        // a person answers in Jira: that comes back, to the incident by id
        jira.comment(BOB, ref.externalKey(), "Customer confirms recovery", T0.plusSeconds(120));
        jira.transition(BOB, ref.externalKey(), "Done", T0.plusSeconds(180));
        assertThat(appended(sync(poller))).containsExactly(EventType.NOTE, EventType.RESOLVE);
        assertThat(types(incident)).containsExactly(EventType.DECLARE, EventType.ACK, EventType.NOTE, EventType.RESOLVE);
        assertThat(store.timeline(incident, null, 10).get(3).source()).isEqualTo("/connectors/jira");
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void refusedCredentialsAreAnAuthFailure() {
        Map<String, String> env = new HashMap<>(jira.env());
        env.put("JIRA_API_TOKEN", "wrong-token-value");
        assertThatThrownBy(() -> poller(raw -> {
        }, env).poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.AUTH);
            assertThat(f.getMessage()).startsWith("HTTP 401").doesNotContain("wrong-token-value");
        });
    }

    @Test
    void rateLimitsOutagesAndSilenceAreTransient() throws Exception {
        JiraPoller poller = poller();
        jira.failNext(1, 429, Map.of("Retry-After", "37"), "{\"errorMessages\":[\"Rate limit exceeded.\"],\"errors\":{}}");
        assertThatThrownBy(() -> poller.poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT);
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(37));
            assertThat(f.getMessage()).isEqualTo("HTTP 429: read the account of JIRA_EMAIL: Rate limit exceeded.");
        });
        sync(poller);
        jira.setDown(true);
        assertThatThrownBy(() -> poller.poll(store.watermark("jira").orElse(null))).isInstanceOfSatisfying(PollFailure.class,
                f -> assertThat(f.getMessage()).startsWith("HTTP 503: search issues of OPS"));
        jira.close();
        assertThatThrownBy(() -> poller.poll(store.watermark("jira").orElse(null))).isInstanceOfSatisfying(PollFailure.class,
                f -> assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT));
        jira = new FakeJira();
    }

    @Test
    void anExpiredPageTokenRestartsTheRunFromTheWatermark() throws Exception {
        for (int i = 0; i < 70; i++) {
            jira.createIssue(ALICE, "Alert " + i, "Task", T0.plusSeconds(i * 20L));
        }
        JiraPoller poller = poller();
        PollPage first = poller.poll(null);
        append(first);
        jira.expirePageTokens(); // e.g. the gateway was down for a day between two pages
        assertThat(appended(sync(poller))).hasSize(20);
        assertThat(store.incidents(IncidentStatus.DECLARED, 1000)).hasSize(70);
        assertThat(store.watermark("jira")).contains("2025-03-01T10:23:00Z");
    }
}
