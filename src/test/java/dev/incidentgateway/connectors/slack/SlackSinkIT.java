package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkHttpClient;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.connectors.slack.SlackDeliveries.delivery;
import static org.assertj.core.api.Assertions.assertThat;

/** The Slack sink over real HTTP (camel-http) against {@link FakeSlack}. */
class SlackSinkIT {
    private static final String WRONG_TOKEN = "xoxb-9999999999-a-wrong-but-secret-token";
    private static DefaultCamelContext camel;
    private static SinkHttpClient http;

    private FakeSlack slack;
    private Sink sink;
    private String incident;
    private final List<DeliveryResult> results = new ArrayList<>();

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        // Apache HttpClient 5.5 (Camel 4.18) retries a 429/503 answer by itself, POSTs included, sleeping for its
        // Retry-After on the caller's thread (CAMEL-23345): the sink would never see the 429. SinkHttpClient's
        // endpoint should say automaticRetriesDisabled=true; until it does, this test's component does.
        camel.getComponent("http", HttpComponent.class).setAutomaticRetriesDisabled(true);
        camel.start();
        http = new SinkHttpClient(camel.createProducerTemplate());
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    @BeforeEach
    void start() {
        slack = new FakeSlack();
        sink = sink(slack.env());
        incident = SlackDeliveries.newIncidentId();
    }

    @AfterEach
    void stop() {
        slack.close();
        for (DeliveryResult r : results) {
            assertThat(String.valueOf(r)).doesNotContain(FakeSlack.TOKEN).doesNotContain(WRONG_TOKEN);
        }
    }

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
        assertThat(((DeliveryResult.Dead) r).reason()).contains("invalid_auth").contains("chat.postMessage");
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

    private ExternalRef declare() {
        DeliveryResult r = deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null));
        assertThat(r).isInstanceOf(DeliveryResult.Delivered.class);
        return ((DeliveryResult.Delivered) r).created();
    }

    private DeliveryResult deliver(Delivery d) {
        DeliveryResult r = sink.deliver(d);
        results.add(r);
        return r;
    }

    private static Sink sink(Map<String, String> env) {
        return new SlackSinkFactory().create(SlackDeliveries.descriptor(), env, http);
    }
}
