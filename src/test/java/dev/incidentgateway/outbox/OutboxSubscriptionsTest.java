package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which subscription a {@code timeline:outbox} route gets: its descriptor's, its URI's, or none when its connector is off. */
class OutboxSubscriptionsTest {
    private final SinkDescriptor slack = new SinkDescriptor("slack", EnumSet.of(EventType.DECLARE, EventType.RESOLVE), Severity.SEV2,
            Map.of("title", "${incident.title}"), JsonNodeFactory.instance.objectNode());
    private final Sink slackSink = new Sink() {
        @Override
        public String connector() {
            return "slack";
        }

        @Override
        public DeliveryResult deliver(Delivery delivery) {
            return DeliveryResult.delivered();
        }
    };
    private final OutboxWriter writer = new OutboxWriter(List.of(slack));
    private final OutboxSubscriptions subscriptions = new OutboxSubscriptions(
            List.of(new SinkRegistry.ActiveSink(slack, slackSink)), Set.of("slack", "jira"), writer);

    @Test
    void anActiveSinksRouteKeepsItsDescriptorUnlessTheUriOverridesEventsOrSeverity() {
        assertThat(subscriptions.unconsumed()).containsExactly("slack");
        SinkDescriptor s = subscriptions.subscribe("slack", null, Severity.SEV1).orElseThrow();
        assertThat(s.events()).containsExactlyInAnyOrder(EventType.DECLARE, EventType.RESOLVE);
        assertThat(s.minSeverity()).isEqualTo(Severity.SEV1);
        assertThat(s.templates()).containsEntry("title", "${incident.title}");
        assertThat(writer.subscription("slack")).contains(s);
        assertThat(subscriptions.sink("slack")).contains(slackSink);
        assertThat(subscriptions.unconsumed()).isEmpty();
    }

    @Test
    void aDescribedConnectorThatIsOffSubscribesNothing() {
        assertThat(subscriptions.subscribe("jira", Set.of(EventType.NOTE), null)).isEmpty();
        assertThat(writer.subscription("jira")).isEmpty();
        assertThat(subscriptions.sink("jira")).isEmpty();
    }

    @Test
    void aConnectorWithoutDescriptorTakesEveryEventFromSev4UnlessItsUriSaysOtherwise() {
        SinkDescriptor chat = subscriptions.subscribe("chat", null, null).orElseThrow();
        assertThat(chat.events()).containsExactlyInAnyOrder(EventType.values());
        assertThat(chat.minSeverity()).isEqualTo(Severity.SEV4);
        assertThat(writer.subscription("chat")).contains(chat);
        assertThat(subscriptions.subscribe("kafka", Set.of(EventType.DECLARE), Severity.SEV3).orElseThrow())
                .extracting(SinkDescriptor::events, SinkDescriptor::minSeverity).containsExactly(Set.of(EventType.DECLARE), Severity.SEV3);
    }

    @Test
    void aConnectorTakesOneRoute() {
        subscriptions.subscribe("chat", null, null);
        assertThatThrownBy(() -> subscriptions.subscribe("chat", null, null)).hasMessageContaining("already has a timeline:outbox route");
    }

    /** Issue: a YAML-only target's descriptor (connectors/http-export.yaml) gives its route's defaults; URI options win. */
    @Test
    void aTargetWrittenInYamlTakesItsDescriptorsSettingsUnlessItsUriSaysOtherwise() {
        SinkDescriptor export = new SinkDescriptor("http-export", EnumSet.of(EventType.DECLARE, EventType.ACK), Severity.SEV2, Map.of(),
                JsonNodeFactory.instance.objectNode());
        OutboxWriter w = new OutboxWriter(List.of(slack, export));
        OutboxSubscriptions subs = new OutboxSubscriptions(List.of(new SinkRegistry.ActiveSink(slack, slackSink)), List.of(export),
                Set.of("slack"), w);
        assertThat(subs.unconsumed()).containsExactly("slack", "http-export");
        SinkDescriptor s = subs.subscribe("http-export", null, null).orElseThrow();
        assertThat(s.events()).containsExactlyInAnyOrder(EventType.DECLARE, EventType.ACK);
        assertThat(s.minSeverity()).isEqualTo(Severity.SEV2);
        assertThat(w.subscription("http-export")).contains(s);
        assertThat(subs.sink("http-export")).isEmpty();
        assertThat(subs.unconsumed()).containsExactly("slack");

        OutboxSubscriptions again = new OutboxSubscriptions(List.of(), List.of(export), Set.of(), new OutboxWriter(List.of(export)));
        SinkDescriptor overridden = again.subscribe("http-export", Set.of(EventType.RESOLVE), Severity.SEV1).orElseThrow();
        assertThat(overridden.events()).containsExactly(EventType.RESOLVE);
        assertThat(overridden.minSeverity()).isEqualTo(Severity.SEV1);
    }

    /** The start-up line's list: Java sinks and YAML-only targets alike; a connector that is off is not among them. */
    @Test
    void deliveringNamesEveryConnectorARouteDeliversAndWhatDeliversIt() {
        subscriptions.subscribe("slack", null, null);
        subscriptions.subscribe("jira", null, null);
        subscriptions.subscribe("chat-webhook", null, null);
        assertThat(subscriptions.delivering()).containsExactly("chat-webhook (YAML route)", "slack (Java sink)");
    }
}
