package dev.incidentgateway.camel;

import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;

/**
 * The {@code timeline:} Camel component: routes reach the gateway's append-only timeline through it.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>URI</th><th>role</th></tr>
 *   <tr><td>{@code timeline:append}</td><td>producer: appends the exchange's event (see {@link TimelineAppendProducer})</td></tr>
 *   <tr><td>{@code timeline:outbox?connector=NAME}</td><td>consumer: one exchange per committed outbox row of a connector,
 *   with the outbox's guarantees (see {@link TimelineOutboxEndpoint}); needs {@link #withOutbox}</td></tr>
 * </table>
 *
 * A URI naming another endpoint is refused when the route starts, naming what exists. Header names: {@link TimelineHeaders}.
 */
public final class TimelineComponent extends DefaultComponent {
    /** The name the gateway binds the component under, so {@code timeline:} URIs resolve to it. */
    public static final String SCHEME = "timeline";

    private final TimelineStore store;
    private final CloudEventsWebhookMapper cloudEvents;
    private OutboxModule outbox;
    private TimelineCloudEventMapper outboxCloudEvents;

    public TimelineComponent(TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        this.store = store;
        this.cloudEvents = cloudEvents;
    }

    /** Enables {@code timeline:outbox}: its subscriptions and relays are the outbox's; bodies are CloudEvents JSON. */
    public TimelineComponent withOutbox(OutboxModule outbox, TimelineCloudEventMapper cloudEvents) {
        this.outbox = outbox;
        this.outboxCloudEvents = cloudEvents;
        return this;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if ("outbox".equals(remaining) && outbox != null) {
            TimelineOutboxEndpoint endpoint = new TimelineOutboxEndpoint(uri, this, outbox, outboxCloudEvents);
            setProperties(endpoint, parameters);
            endpoint.subscribe();
            return endpoint;
        }
        if (!"append".equals(remaining)) {
            throw new IllegalArgumentException("timeline:" + remaining + " is not an endpoint of the timeline component; "
                    + "it has: timeline:append" + (outbox == null ? "" : ", timeline:outbox?connector=NAME"));
        }
        TimelineAppendEndpoint endpoint = new TimelineAppendEndpoint(uri, this, store, cloudEvents);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
