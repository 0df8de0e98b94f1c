package dev.incidentgateway.camel;

import dev.incidentgateway.config.RouteOptionException;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code timeline:outbox?connector=NAME[&events=…][&minSeverity=…][&concurrency=…]}: a consumer only. One exchange per
 * committed outbox row of the connector, with the outbox's guarantees (see {@link TimelineOutboxConsumer}).
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code connector}</td><td>(required)</td><td>the connector's name: the {@code connector} column of its outbox
 *   rows, its metrics tag, and {@code connectors/<name>.yaml} when it has a sink descriptor. A connector takes one route.</td></tr>
 *   <tr><td>{@code events}</td><td>the descriptor's {@code events}; all types without one</td><td>comma-separated event
 *   types to deliver: declare, ack, mitigate, resolve, close, note, role_assign, state_change.</td></tr>
 *   <tr><td>{@code minSeverity}</td><td>the descriptor's {@code minSeverity}; {@code sev4} without one</td><td>deliver
 *   events of incidents of this severity and above (sev1 is the highest).</td></tr>
 *   <tr><td>{@code concurrency}</td><td>{@code GATEWAY_OUTBOX_CONCURRENCY} (8)</td><td>deliveries at once, each of a
 *   different incident (one incident's events always go one at a time, in order).</td></tr>
 * </table>
 *
 * <p>The subscription is registered when Camel creates this endpoint, while it builds the routes: Camel builds every
 * route (endpoints, then consumers) before it starts any route's consumer, and every append starts at a consumer
 * (HTTP routes, pollers' timers, the control channel, routes calling {@code timeline:append}), so no event can commit
 * without this connector's row. A connector with a descriptor that is off (its variables unset or {@code enabled:
 * false}) subscribes nothing: its route stays idle. A stopped route (or one with {@code autoStartup: false}) keeps its
 * subscription: its rows wait, pending, and are delivered once it starts.
 */
public final class TimelineOutboxEndpoint extends DefaultEndpoint {
    private final OutboxModule outbox;
    private final TimelineCloudEventMapper cloudEvents;
    private String connector;
    private String events;
    private String minSeverity;
    private Integer concurrency;
    private Optional<SinkDescriptor> subscription = Optional.empty();

    TimelineOutboxEndpoint(String uri, TimelineComponent component, OutboxModule outbox, TimelineCloudEventMapper cloudEvents) {
        super(uri, component);
        this.outbox = outbox;
        this.cloudEvents = cloudEvents;
    }

    /** Checks the options and registers the subscription (called by the component once the options are set). */
    void subscribe() {
        checkOptions();
        subscription = outbox.subscriptions().subscribe(connector, eventTypes(), severity());
    }

    /** The options' checks alone: {@code config}'s route check runs them without an outbox ({@link TimelineComponent#forRouteCheck}). */
    void checkOptions() {
        if (connector == null || !connector.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new RouteOptionException("timeline:outbox needs connector=<name> (lower-case letters, digits, - and _), got "
                    + connector);
        }
        if (concurrency != null && (concurrency < 1 || concurrency > 256)) {
            throw new RouteOptionException("timeline:outbox concurrency must be 1..256, got " + concurrency);
        }
        eventTypes();
        severity();
    }

    private Set<EventType> eventTypes() {
        if (events == null || events.isBlank()) {
            return null;
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String name : events.split(",")) {
            types.add(EventType.fromWire(name.trim()).orElseThrow(() -> new RouteOptionException("timeline:outbox events: '"
                    + name.trim() + "' is not an event type (" + Arrays.stream(EventType.values()).map(EventType::wireName).toList() + ")")));
        }
        return types;
    }

    private Severity severity() {
        if (minSeverity == null || minSeverity.isBlank()) {
            return null;
        }
        return Severity.fromWire(minSeverity.trim()).orElseThrow(() ->
                new RouteOptionException("timeline:outbox minSeverity must be sev1..sev4, got '" + minSeverity + "'"));
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        TimelineOutboxConsumer consumer = new TimelineOutboxConsumer(this, processor, outbox, cloudEvents, subscription);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new RouteOptionException("timeline:outbox is a consumer (from:), not a producer (to:); "
                + "use timeline:append to add events");
    }

    public String getConnector() {
        return connector;
    }

    public void setConnector(String connector) {
        this.connector = connector;
    }

    public String getEvents() {
        return events;
    }

    public void setEvents(String events) {
        this.events = events;
    }

    public String getMinSeverity() {
        return minSeverity;
    }

    public void setMinSeverity(String minSeverity) {
        this.minSeverity = minSeverity;
    }

    public Integer getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
        this.concurrency = concurrency;
    }
}
