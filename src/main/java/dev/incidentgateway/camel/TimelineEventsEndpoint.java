package dev.incidentgateway.camel;

import dev.incidentgateway.config.RouteOptionException;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.store.AdvisoryLease;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.ScheduledPollEndpoint;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code timeline:events?consumer=NAME}: the committed feed (the {@code Since} feed of {@code GET /api/v1/events}) as a
 * consumer stream from a stored position; a consumer only (see {@link TimelineEventsConsumer}).
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code consumer}</td><td>(required)</td><td>the name the position is stored under (table
 *   {@code feed_positions}); letters, digits, {@code . _ : -}, up to 128. A route that keeps its name resumes after the
 *   last event it completed, across restarts. Two routes of one gateway may not share a name.</td></tr>
 *   <tr><td>{@code from}</td><td>{@code start}</td><td>where a consumer with no stored position begins: {@code start} (the
 *   first event ever), {@code now} (only events committed after the route first starts) or an event id (the events
 *   after it, as {@code ?after=} on {@code GET /api/v1/events}). Ignored once a position is stored.</td></tr>
 *   <tr><td>{@code types}</td><td>all</td><td>comma-separated event types (wire names: {@code declare,ack,mitigate,
 *   resolve,close,note,role_assign,state_change}); other events are passed over (the position still moves past them)</td></tr>
 *   <tr><td>{@code incident}</td><td>all</td><td>only this incident's events (e.g. {@code INC-42})</td></tr>
 *   <tr><td>{@code batchSize}</td><td>{@code 100}</td><td>events read from the store per poll (1..1000); fewer when
 *   they would pass {@code GATEWAY_PAGE_MAX_BYTES} of CloudEvent JSON (at least one), and the next poll follows at once</td></tr>
 *   <tr><td>{@code delay}</td><td>{@code 500}</td><td>milliseconds between polls when the feed has nothing new (Camel's
 *   scheduled-poll option; {@code initialDelay}, {@code greedy} and the other scheduled-poll options apply too;
 *   {@code greedy} is on: a poll that read events is followed at once by the next)</td></tr>
 *   <tr><td>{@code maxRetryDelay}</td><td>{@code 60000}</td><td>after a failed exchange the event is tried again after
 *   {@code delay}, then after twice as long with each further failure, up to this many milliseconds; a completed
 *   exchange ends the backoff</td></tr>
 * </table>
 */
public final class TimelineEventsEndpoint extends ScheduledPollEndpoint {
    private static final Pattern CONSUMER_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern EVENT_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    private final TimelineStore store;
    private final TimelineCloudEventMapper cloudEvents;
    private final TimelineComponent component;
    private String consumer;
    private String from = "start";
    private Set<EventType> types = EnumSet.allOf(EventType.class);
    private String incident;
    private int batchSize = 100;
    private long maxRetryDelay = 60_000;

    TimelineEventsEndpoint(String uri, TimelineComponent component, TimelineStore store, TimelineCloudEventMapper cloudEvents) {
        super(uri, component);
        this.component = component;
        this.store = store;
        this.cloudEvents = cloudEvents;
        setDelay(500);
        setGreedy(true);
    }

    @Override
    public Producer createProducer() {
        throw new RouteOptionException("timeline:events is a consumer (from:), not a producer (to:)");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (consumer == null) {
            throw new RouteOptionException("timeline:events needs consumer=NAME: the name its position is stored under");
        }
        TimelineEventsConsumer created = new TimelineEventsConsumer(this, processor, store, cloudEvents,
                // no store in config's route check (TimelineComponent.forRouteCheck), whose consumers are built, never started
                new FeedPositions(store == null ? null : store.dataSource()),
                store == null ? null : new AdvisoryLease(store.dataSource(), store.dialect(), AdvisoryLease.FEED_CONSUMERS, consumer),
                component.feedConsumerNames(), component.feedPageMaxBytes());
        configureConsumer(created);
        return created;
    }

    public String getConsumer() {
        return consumer;
    }

    public void setConsumer(String consumer) {
        if (!CONSUMER_NAME.matcher(consumer).matches()) {
            throw new RouteOptionException("timeline:events consumer must be 1..128 of letters, digits, . _ : - (got " + consumer + ")");
        }
        this.consumer = consumer;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        if (!from.equals("start") && !from.equals("now") && !EVENT_ID.matcher(from).matches()) {
            throw new RouteOptionException("timeline:events from must be start, now or an event id (26-character ULID), got " + from);
        }
        this.from = from;
    }

    public Set<EventType> types() {
        return types;
    }

    /** Comma-separated wire names ({@code declare,resolve}). */
    public void setTypes(String names) {
        EnumSet<EventType> parsed = EnumSet.noneOf(EventType.class);
        for (String name : names.split(",")) {
            parsed.add(EventType.fromWire(name.trim()).orElseThrow(() -> new RouteOptionException(
                    "timeline:events types: unknown event type " + name.trim() + "; known: "
                            + Arrays.stream(EventType.values()).map(EventType::wireName).toList())));
        }
        this.types = parsed;
    }

    public String getIncident() {
        return incident;
    }

    public void setIncident(String incident) {
        this.incident = incident;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 1000) {
            throw new RouteOptionException("timeline:events batchSize must be 1..1000, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public long getMaxRetryDelay() {
        return maxRetryDelay;
    }

    /** Longest wait, in milliseconds, before a failed exchange is tried again (the wait doubles from {@code delay}). */
    public void setMaxRetryDelay(long maxRetryDelay) {
        if (maxRetryDelay < 1 || maxRetryDelay > 86_400_000) {
            throw new RouteOptionException("timeline:events maxRetryDelay must be 1..86400000 milliseconds, got " + maxRetryDelay);
        }
        this.maxRetryDelay = maxRetryDelay;
    }
}
