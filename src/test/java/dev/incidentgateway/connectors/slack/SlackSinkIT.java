package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.connectors.slack.SlackDeliveries.delivery;
import static org.assertj.core.api.Assertions.assertThat;

/** The Slack sink over real HTTP (camel-http) against {@link FakeSlack}. */
class SlackSinkIT extends SlackSinkHarness {
    @Test
    void declareAckNoteResolveMakeOneThreadWithStatusUpdates() {
        DeliveryResult declared = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, "500s on /pay", null));
        assertThat(declared).isInstanceOf(DeliveryResult.Delivered.class);
        ExternalRef ref = ((DeliveryResult.Delivered) declared).created();
        assertThat(ref).isNotNull();
        assertThat(ref.incidentId()).isEqualTo(incident);
        assertThat(ref.connector()).isEqualTo("slack");
        assertThat(ref.externalId()).matches("\\d{10}\\.\\d{6}");
        assertThat(ref.externalKey()).isNull();
        assertThat(ref.channel()).isEqualTo(FakeSlack.CHANNEL_ID); // the ID, though SLACK_CHANNEL is #incidents

        assertThat(deliver(delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(deliver(delivery(incident, EventType.NOTE, IncidentStatus.ACKNOWLEDGED, "rolled back", ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(deliver(delivery(incident, EventType.RESOLVE, IncidentStatus.RESOLVED, null, ref))).isEqualTo(DeliveryResult.delivered());

        assertThat(slack.receivedFor(incident)).containsExactly("declare", "ack", "note", "resolve");
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
        assertThat(slack.updateCount(incident)).isEqualTo(3);
        assertThat(slack.incidents()).containsExactly(incident);
        JsonNode root = slack.rootMessage(incident);
        assertThat(root.path("ts").asText()).isEqualTo(ref.externalId());
        assertThat(root.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("Checkout <errors> & timeouts");
        assertThat(root.path("blocks").toString()).contains("*Status:* resolved").contains(incident);
        assertThat(root.path("text").asText()).startsWith("Checkout &lt;errors&gt; &amp; timeouts").contains("*Status:* resolved");
    }

    @Test
    void theRootsDefaultSummarySaysTheStatusOnceUpdatedNotDeclared() {
        ExternalRef ref = declare();
        assertThat(slack.rootMessage(incident).path("blocks").get(1).path("text").path("text").asText())
                .isEqualTo(":rotating_light: *sev2* incident declared, updates follow in this thread.");
        assertThat(deliver(delivery(incident, EventType.RESOLVE, IncidentStatus.RESOLVED, null, ref))).isEqualTo(DeliveryResult.delivered());

        JsonNode root = slack.rootMessage(incident);
        assertThat(root.path("blocks").get(1).path("text").path("text").asText())
                .isEqualTo(":rotating_light: *sev2* incident resolved, updates follow in this thread.");
        assertThat(root.path("text").asText()).contains("incident resolved").doesNotContain("declared");
    }

    @Test
    void withoutADeclareTemplateOrWithTheOldShippedTextTheSummaryFollowsTheStatus() {
        for (String declare : new String[] {null, ":rotating_light: *${incident.severity}* incident declared, updates follow in this thread."}) {
            incident = SlackDeliveries.newIncidentId();
            sink = withDeclareTemplate(declare);
            ExternalRef ref = declare();
            deliver(delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, ref));
            assertThat(slack.rootMessage(incident).path("blocks").get(1).path("text").path("text").asText())
                    .as("declare template %s", declare).isEqualTo(":rotating_light: *sev2* incident acknowledged, updates follow in this thread.");
        }
    }

    @Test
    void aUsersOwnDeclareTemplateIsKeptAsWritten() {
        sink = withDeclareTemplate("Declared by the pager: ${incident.title}");
        ExternalRef ref = declare();
        deliver(delivery(incident, EventType.RESOLVE, IncidentStatus.RESOLVED, null, ref));
        JsonNode root = slack.rootMessage(incident);
        assertThat(root.path("blocks").get(1).path("text").path("text").asText())
                .isEqualTo("Declared by the pager: Checkout &lt;errors&gt; &amp; timeouts");
        assertThat(root.path("blocks").toString()).contains("*Status:* resolved");
    }

    /** The shipped descriptor with its {@code declare} template replaced ({@code null}: left out). */
    private Sink withDeclareTemplate(String declare) {
        SinkDescriptor shipped = SlackDeliveries.descriptor();
        Map<String, String> templates = new HashMap<>(shipped.templates());
        if (declare == null) {
            templates.remove("declare");
        } else {
            templates.put("declare", declare);
        }
        return new SlackSinkFactory().create(new SinkDescriptor(shipped.name(), shipped.events(), shipped.minSeverity(), templates,
                shipped.raw()), slack.env(), http());
    }

    @Test
    void withGatewayPublicUrlTheRootLinksToTheIncidentsConsolePageNotTheApi() {
        Map<String, String> env = new HashMap<>(slack.env());
        env.put("GATEWAY_PUBLIC_URL", "https://gw.example.com/");
        sink = sink(env);
        assertThat(deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null)))
                .isInstanceOf(DeliveryResult.Delivered.class);

        assertThat(slack.rootMessage(incident).path("blocks").toString())
                .contains("<https://gw.example.com/#/incidents/" + incident + "|Open in Incident Gateway>")
                .doesNotContain("/api/v1/incidents/");
    }

    @Test
    void rateLimitIsRetriedAfterSlacksRetryAfter() {
        ExternalRef ref = declare();
        slack.rateLimitNext(30);
        Delivery ack = delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, ref);
        DeliveryResult limited = deliver(ack);
        assertThat(limited).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) limited).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(((DeliveryResult.Retry) limited).reason()).contains("429").contains("ratelimited");

        assertThat(deliver(ack)).isEqualTo(DeliveryResult.delivered());
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "ack");
    }

    @Test
    void invalidAuthIsDeadAndNamesSlacksErrorButNotTheToken() {
        Map<String, String> env = new HashMap<>(slack.env());
        env.put("SLACK_BOT_TOKEN", WRONG_TOKEN);
        sink = sink(env);
        DeliveryResult r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Dead.class);
        // The lookups fail first (passed over with a warning), then the post itself.
        assertThat(((DeliveryResult.Dead) r).reason()).isEqualTo("slack chat.postMessage: invalid_auth");
        assertThat(slack.ticketCount(incident)).isZero();
    }

    @Test
    void permanentSlackErrorsAreDeadUntilFixed() {
        slack.misconfigure("not_in_channel");
        Delivery declare = delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null);
        DeliveryResult r = deliver(declare);
        assertThat(r).isInstanceOf(DeliveryResult.Dead.class);
        assertThat(((DeliveryResult.Dead) r).reason()).isEqualTo("slack chat.postMessage: not_in_channel");

        slack.repair();
        assertThat(deliver(declare)).isInstanceOf(DeliveryResult.Delivered.class);
    }

    @Test
    void slackInternalErrorIsRetried() {
        slack.failNext(1, 200, Map.of(), "{\"ok\":false,\"error\":\"internal_error\"}");
        DeliveryResult r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) r).reason()).contains("internal_error");
        assertThat(((DeliveryResult.Retry) r).retryAfter()).isNull();
    }

    @Test
    void http500AndDownAndNoAnswerAreRetried() {
        slack.failNext(1, 500, Map.of(), "upstream exploded, token " + FakeSlack.TOKEN);
        DeliveryResult r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) r).reason()).startsWith("HTTP 500").contains("upstream exploded");

        slack.setDown(true);
        r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) r).reason()).startsWith("HTTP 503").contains("service_unavailable");

        slack.close();
        r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(((DeliveryResult.Retry) r).reason()).startsWith("HTTP no answer");
    }

    @Test
    void eventWithoutRefPostsTheRootFirst() {
        DeliveryResult r = deliver(delivery(incident, EventType.NOTE, IncidentStatus.ACKNOWLEDGED, "late joiner", null));
        assertThat(r).isInstanceOf(DeliveryResult.Delivered.class);
        ExternalRef ref = ((DeliveryResult.Delivered) r).created();
        assertThat(ref).isNotNull();
        assertThat(ref.channel()).isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "note");
        assertThat(slack.rootMessage(incident).path("blocks").toString()).contains("*Status:* acknowledged");

        assertThat(deliver(delivery(incident, EventType.MITIGATE, IncidentStatus.MITIGATED, null, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "note", "mitigate");
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
    }

    @Test
    void failedReplyIsRetriedWithoutRepostingAnything() {
        ExternalRef ref = declare();
        slack.failNext(FakeSlack.REPLY, 1, 200, Map.of(), "{\"ok\":false,\"error\":\"service_unavailable\"}");
        Delivery ack = delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, ref);
        assertThat(deliver(ack)).isInstanceOf(DeliveryResult.Retry.class);
        assertThat(slack.updateCount(incident)).isEqualTo(1); // chat.update went first
        assertThat(slack.receivedFor(incident)).containsExactly("declare");

        assertThat(deliver(ack)).isEqualTo(DeliveryResult.delivered());
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "ack");
        assertThat(slack.updateCount(incident)).isEqualTo(2);
    }

    @Test
    void failedReplyAfterALateRootReusesThatRoot() {
        slack.failNext(FakeSlack.REPLY, 1, 502, Map.of(), "bad gateway");
        Delivery note = delivery(incident, EventType.NOTE, IncidentStatus.DECLARED, "first words", null);
        assertThat(deliver(note)).isInstanceOf(DeliveryResult.Retry.class);
        DeliveryResult r = deliver(note);
        assertThat(r).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(((DeliveryResult.Delivered) r).created()).isNotNull();
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "note");
    }

    @Test
    void updateOfADeletedRootIsDead() {
        ExternalRef ref = declare();
        ExternalRef gone = new ExternalRef(incident, "slack", "1600000000.000001", null, ref.channel(), null);
        DeliveryResult r = deliver(delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, gone));
        assertThat(r).isEqualTo(new DeliveryResult.Dead("slack chat.update: message_not_found"));
    }

    @Test
    void declareRetriedAfterACrashAfterThePostReusesTheRoot() {
        Delivery declare = delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null);
        ExternalRef first = created(deliver(declare));
        // Killed before the relay stored the ref: the row is delivered again, still without a ref.
        restart();
        assertThat(created(deliver(declare))).isEqualTo(first);
        assertThat(created(deliver(declare))).isEqualTo(first); // and by the same process too
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
        assertThat(slack.receivedFor(incident)).containsExactly("declare");
        assertThat(slack.updateCount(incident)).isZero();
    }

    @Test
    void laterEventWithoutRefAfterACrashThreadsUnderTheExistingRoot() {
        ExternalRef ref = declare();
        restart();
        DeliveryResult ack = deliver(delivery(incident, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, null));
        assertThat(created(ack)).isEqualTo(ref);
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
        assertThat(slack.receivedFor(incident)).containsExactly("declare", "ack");
        assertThat(slack.updateCount(incident)).isEqualTo(1); // the found root gets the current status
        assertThat(slack.rootMessage(incident).path("blocks").toString()).contains("*Status:* acknowledged");

        // A root posted for a late event (no declare delivered), the process killed before its ref was stored.
        String late = SlackDeliveries.newIncidentId();
        ExternalRef lateRef = created(deliver(delivery(late, EventType.NOTE, IncidentStatus.ACKNOWLEDGED, "hi", null)));
        restart();
        slack.failNext(FakeSlack.REPLY, 1, 200, Map.of(), "{\"ok\":false,\"error\":\"internal_error\"}");
        Delivery mitigate = delivery(late, EventType.MITIGATE, IncidentStatus.MITIGATED, null, null);
        assertThat(deliver(mitigate)).isInstanceOf(DeliveryResult.Retry.class);
        int lookups = slack.callCount("conversations.history");
        assertThat(created(deliver(mitigate))).isEqualTo(lateRef);
        assertThat(slack.callCount("conversations.history")).isEqualTo(lookups); // the retry remembered the root
        assertThat(slack.ticketCount(late)).isEqualTo(1);
        assertThat(slack.receivedFor(late)).containsExactly("declare", "note", "mitigate");
    }

    @Test
    void channelNameIsResolvedToItsIdOnce() {
        slack.setPageSize(2); // #incidents is on the second page of conversations.list, roots span pages of history
        List<String> ids = List.of(incident, SlackDeliveries.newIncidentId(), SlackDeliveries.newIncidentId());
        List<ExternalRef> refs = new ArrayList<>();
        for (String id : ids) {
            refs.add(created(deliver(delivery(id, EventType.DECLARE, IncidentStatus.DECLARED, null, null))));
            assertThat(deliver(delivery(id, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, refs.get(refs.size() - 1))))
                    .isEqualTo(DeliveryResult.delivered());
        }
        assertThat(slack.callCount("conversations.list")).isEqualTo(2); // one resolution, two pages
        assertThat(refs).allSatisfy(ref -> assertThat(ref.channel()).isEqualTo(FakeSlack.CHANNEL_ID));
        // After a crash, the first incident's root is the oldest: found pages down the history.
        restart();
        assertThat(created(deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null)))).isEqualTo(refs.get(0));
        assertThat(slack.callCount("conversations.list")).isEqualTo(4); // the new process resolves once too
        ids.forEach(id -> assertThat(slack.ticketCount(id)).isEqualTo(1));

        Map<String, String> byId = new HashMap<>(slack.env());
        byId.put("SLACK_CHANNEL", FakeSlack.CHANNEL_ID);
        sink = sink(byId);
        String other = SlackDeliveries.newIncidentId();
        assertThat(created(deliver(delivery(other, EventType.DECLARE, IncidentStatus.DECLARED, null, null))).channel())
                .isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(slack.callCount("conversations.list")).isEqualTo(4); // an ID needs no lookup
    }

    @Test
    void withoutTheReadScopesTheRootIsPostedWithoutTheDuplicateCheck() {
        slack.revokeScope("channels:history"); // an app with chat:write (and channels:read) only
        ExternalRef root = created(deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null)));
        assertThat(root.channel()).isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(slack.ticketCount(incident)).isEqualTo(1);
        slack.revokeScope("channels:read"); // chat:write only: the name cannot be resolved, chat.postMessage takes it
        restart();
        String other = SlackDeliveries.newIncidentId();
        ExternalRef second = created(deliver(delivery(other, EventType.DECLARE, IncidentStatus.DECLARED, null, null)));
        assertThat(second.channel()).as("the ID Slack answered with, for chat.update").isEqualTo(FakeSlack.CHANNEL_ID);
        assertThat(slack.ticketCount(other)).isEqualTo(1);
        assertThat(deliver(delivery(other, EventType.ACK, IncidentStatus.ACKNOWLEDGED, null, second)))
                .isInstanceOf(DeliveryResult.Delivered.class);
    }

    @Test
    void unknownChannelNameIsDead() {
        Map<String, String> env = new HashMap<>(slack.env());
        env.put("SLACK_CHANNEL", "#no-such-channel");
        sink = sink(env);
        DeliveryResult r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isEqualTo(new DeliveryResult.Dead("slack chat.postMessage: channel_not_found"));
        assertThat(slack.ticketCount(incident)).isZero();
    }

    /**
     * Security review: a Slack-compatible API (or a proxy) that echoes the Authorization header in its error put the bot
     * token into the root finder's WARN line, though the outbox's lastError was masked. Every answer is masked where it
     * is read (SlackApi), so no log line of the connector carries it.
     */
    @Test
    void anErrorEchoingTheTokenIsMaskedInTheLogToo() {
        slack.failNext("conversations.list", 1, 200, Map.of(),
                "{\"ok\":false,\"error\":\"invalid_auth Bearer " + FakeSlack.TOKEN + "\"}");
        try (dev.incidentgateway.testsupport.CapturedLogs logs = dev.incidentgateway.testsupport.CapturedLogs.root()) {
            created(deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null)));
            List<String> lines = logs.lines(e -> e.getLoggerName().contains("slack"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("invalid_auth Bearer ***"));
            assertThat(String.join("\n", logs.lines(e -> true))).doesNotContain(FakeSlack.TOKEN);
        }
    }

    /** Security review: a vendor that echoes the request's credentials in its error put the token's base64 into the reason. */
    @Test
    void anErrorEchoingTheEncodedTokenHoldsNoFormOfIt() {
        for (Map.Entry<String, String> form : dev.incidentgateway.testsupport.EchoedSecrets.forms(FakeSlack.TOKEN).entrySet()) {
            slack.failNext("chat.postMessage", 1, 200, Map.of(), "{\"ok\":false,\"error\":\"invalid_auth " + form.getValue() + "\"}");
            DeliveryResult r = deliver(delivery(SlackDeliveries.newIncidentId(), EventType.DECLARE, IncidentStatus.DECLARED, null, null));
            assertThat(String.valueOf(r)).as(form.getKey()).contains("invalid_auth ***").doesNotContain(form.getValue());
        }
    }
}
