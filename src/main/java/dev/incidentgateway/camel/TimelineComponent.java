package dev.incidentgateway.camel;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.RouteOptionException;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code timeline:} Camel component: routes reach the gateway's append-only timeline through it.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>URI</th><th>role</th></tr>
 *   <tr><td>{@code timeline:append}</td><td>producer: appends the exchange's event, a batch of events (all or nothing) or a poller's page with its watermark (see {@link TimelineAppendProducer})</td></tr>
 *   <tr><td>{@code timeline:outbox?connector=NAME}</td><td>consumer: one exchange per committed outbox row of a connector,
 *   with the outbox's guarantees (see {@link TimelineOutboxEndpoint}); needs {@link #withOutbox}</td></tr>
 *   <tr><td>{@code timeline:events?consumer=NAME}</td><td>consumer: the committed feed from a stored position (see
 *   {@link TimelineEventsEndpoint})</td></tr>
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
    private final TimelineCloudEventMapper feedEvents;
    private final Set<String> feedConsumerNames = ConcurrentHashMap.newKeySet();
    private long feedPageMaxBytes = Long.parseLong(HttpSettings.PAGE_MAX_BYTES.defaultValue());
    private boolean checkOnly;

    /** With CloudEvents types under the default prefix ({@code GATEWAY_CE_TYPE_PREFIX}'s default). */
    public TimelineComponent(TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        this(store, cloudEvents, new TimelineCloudEventMapper(RouteSettings.CE_TYPE_PREFIX.defaultValue(), GatewayJson.create()));
    }

    /** @param feedEvents how {@code timeline:events} writes an event as CloudEvent JSON (the Since feed's mapper) */
    public TimelineComponent(TimelineStore store, CloudEventsWebhookMapper cloudEvents, TimelineCloudEventMapper feedEvents) {
        this.store = store;
        this.cloudEvents = cloudEvents;
        this.feedEvents = feedEvents;
    }

    /**
     * For {@code config}'s route check (no store, no outbox): every endpoint is created and its options checked as at
     * a start, {@code timeline:outbox} included, but nothing is subscribed and no consumer of it ever starts.
     */
    public static TimelineComponent forRouteCheck(CloudEventsWebhookMapper cloudEvents, TimelineCloudEventMapper feedEvents) {
        TimelineComponent check = new TimelineComponent(null, cloudEvents, feedEvents);
        check.checkOnly = true;
        return check;
    }

    /** Names of the {@code timeline:events} consumers running now: one route per stored position. */
    Set<String> feedConsumerNames() {
        return feedConsumerNames;
    }

    /** The byte budget of a {@code timeline:events} read ({@code GATEWAY_PAGE_MAX_BYTES}; its default without this call). */
    public TimelineComponent withFeedPageMaxBytes(long maxBytes) {
        this.feedPageMaxBytes = maxBytes;
        return this;
    }

    long feedPageMaxBytes() {
        return feedPageMaxBytes;
    }

    /** Enables {@code timeline:outbox}: its subscriptions and relays are the outbox's; bodies are CloudEvents JSON. */
    public TimelineComponent withOutbox(OutboxModule outbox, TimelineCloudEventMapper cloudEvents) {
        this.outbox = outbox;
        this.outboxCloudEvents = cloudEvents;
        return this;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // A platform-http route that ends with timeline:append answers its caller with the event (or outcome) as JSON.
        TimelineReplyConverter.register(getCamelContext().getTypeConverterRegistry(), GatewayJson.create());
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if ("outbox".equals(remaining) && (outbox != null || checkOnly)) {
            TimelineOutboxEndpoint endpoint = new TimelineOutboxEndpoint(uri, this, outbox, outboxCloudEvents);
            setProperties(endpoint, parameters);
            if (checkOnly) {
                endpoint.checkOptions();
            } else {
                endpoint.subscribe();
            }
            return endpoint;
        }
        if ("events".equals(remaining)) { // from: timeline:events (the committed feed)
            TimelineEventsEndpoint events = new TimelineEventsEndpoint(uri, this, store, feedEvents);
            setProperties(events, parameters);
            return events;
        }
        if (!"append".equals(remaining)) {
            throw new RouteOptionException("timeline:" + remaining + " is not an endpoint of the timeline component; "
                    + "it has: timeline:append, timeline:events" + (outbox == null && !checkOnly ? "" : ", timeline:outbox?connector=NAME"));
        }
        TimelineAppendEndpoint endpoint = new TimelineAppendEndpoint(uri, this, store, cloudEvents);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
