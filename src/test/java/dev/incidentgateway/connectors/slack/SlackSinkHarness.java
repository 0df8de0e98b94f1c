package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.connectors.slack.SlackDeliveries.delivery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link SlackSinkIT} runs on: Camel's camel-http client, a fresh {@link FakeSlack} and sink per test, and
 * a check that no result ever carries a token.
 */
abstract class SlackSinkHarness {
    static final String WRONG_TOKEN = "xoxb-9999999999-a-wrong-but-secret-token";
    private static DefaultCamelContext camel;
    private static SinkHttpClient http;

    FakeSlack slack;
    Sink sink;
    String incident;
    private final List<DeliveryResult> results = new ArrayList<>();

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
        // SinkHttpClient turns off Apache HttpClient's own 429/503 retries (CAMEL-23345), so the sink sees the 429.
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

    ExternalRef declare() {
        return created(deliver(delivery(incident, EventType.DECLARE, IncidentStatus.DECLARED, null, null)));
    }

    static ExternalRef created(DeliveryResult r) {
        assertThat(r).isInstanceOf(DeliveryResult.Delivered.class);
        ExternalRef ref = ((DeliveryResult.Delivered) r).created();
        assertThat(ref).isNotNull();
        return ref;
    }

    DeliveryResult deliver(Delivery d) {
        DeliveryResult r = sink.deliver(d);
        results.add(r);
        return r;
    }

    /** A new sink, as the restarted process builds it: nothing of the old one's memory. */
    void restart() {
        sink = sink(slack.env());
    }

    static SinkHttpClient http() {
        return http;
    }

    static Sink sink(Map<String, String> env) {
        return new SlackSinkFactory().create(SlackDeliveries.descriptor(), env, http);
    }
}
