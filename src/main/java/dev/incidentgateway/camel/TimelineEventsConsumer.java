package dev.incidentgateway.camel;

import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.store.AdvisoryLease;
import dev.incidentgateway.timeline.CappedPage;
import dev.incidentgateway.timeline.StreamedEvents;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Polls the {@code Since} feed after the consumer's stored position and sends one exchange per committed event, in
 * feed (id) order. Body: the event as structured CloudEvent JSON, a {@code String} (the same JSON as an item of
 * {@code GET /api/v1/events}); headers {@value #EVENT_ID}, {@value #INCIDENT_ID}, {@value #EVENT_SEQ} and
 * {@value #EVENT_TYPE} (wire name); exchange property {@value #EVENT_PROPERTY}: the {@link TimelineEvent}.
 *
 * <p><b>Never skips an event.</b> Paging with {@code id > position} is safe because transactions commit in id order
 * (see {@code TimelineWriter}): once an event is visible, no event with a smaller id can still appear.
 *
 * <p><b>At-least-once.</b> The position moves past an event only after the route completed its exchange (an exception
 * handled by {@code onException ... handled: true} counts as completed). A failed exchange stops the batch and is sent
 * again after a backoff ({@link #backOff}); a crash between the route's completion and the position's update sends that one event
 * again after the restart. Exporters should therefore be idempotent on the event id (the CloudEvent {@code id}).
 */
final class TimelineEventsConsumer extends ScheduledPollConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineEventsConsumer.class);
    /** The header names of the whole component ({@link TimelineHeaders}). */
    private static final String EVENT_ID = TimelineHeaders.EVENT_ID;
    private static final String INCIDENT_ID = TimelineHeaders.INCIDENT_ID;
    private static final String EVENT_SEQ = TimelineHeaders.EVENT_SEQ;
    private static final String EVENT_TYPE = TimelineHeaders.EVENT_TYPE;
    public static final String EVENT_PROPERTY = "TimelineEvent";

    private final TimelineEventsEndpoint endpoint;
    private final TimelineStore store;
    private final TimelineCloudEventMapper cloudEvents;
    private final FeedPositions positions;
    /**
     * Which gateway instance consumes this name. Every instance on one PostgreSQL database runs the same routes: without
     * it each delivered every event once per instance, and moved the shared position past what another had completed.
     */
    private final AdvisoryLease lease;
    private boolean leading;
    private final Set<String> activeNames;
    /** The byte budget of one read ({@code GATEWAY_PAGE_MAX_BYTES}). */
    private final long maxBytes;
    private String position;
    /**
     * Held while a poll reads or writes the store. Camel stops a scheduled-poll consumer by cancelling its task with an
     * interrupt, and H2 closes its whole database file when a thread doing file I/O is interrupted: stopping waits for
     * the poll under way (it ends after its current event) so the interrupt finds nothing running.
     */
    private final java.util.concurrent.locks.ReentrantLock polling = new java.util.concurrent.locks.ReentrantLock();
    /**
     * Failed exchanges in a row, and when the failed event may be tried again. Before, a failing exporter (its target
     * down) was tried again at every poll, every 500 ms: an ERROR with a stack trace from the route's error handler and a
     * WARN each time, and a call to a target that was down, for as long as the outage lasted.
     */
    private int failures;
    private long retryAtNanos;
    private java.util.function.LongSupplier nanoClock = System::nanoTime;

    TimelineEventsConsumer(TimelineEventsEndpoint endpoint, Processor processor, TimelineStore store,
                           TimelineCloudEventMapper cloudEvents, FeedPositions positions, AdvisoryLease lease,
                           Set<String> activeNames, long maxBytes) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.store = store;
        this.cloudEvents = cloudEvents;
        this.positions = positions;
        this.lease = lease;
        this.activeNames = activeNames;
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doStart() throws Exception {
        // Two routes advancing one stored position would each skip what the other completed.
        if (!activeNames.add(endpoint.getConsumer())) {
            throw new IllegalStateException("another route already consumes timeline:events as consumer=" + endpoint.getConsumer());
        }
        try {
            position = positions.findOrCreate(endpoint.getConsumer(), initialPosition()).lastEventId().orElse(null);
        } catch (RuntimeException e) {
            activeNames.remove(endpoint.getConsumer());
            throw e;
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        boolean idle = polling.tryLock(30, java.util.concurrent.TimeUnit.SECONDS);
        try {
            super.doStop();
        } finally {
            if (idle) {
                polling.unlock();
            }
            if (lease != null) {
                lease.close(); // another instance takes the name over at its next poll
            }
            leading = false;
        }
        activeNames.remove(endpoint.getConsumer());
    }

    private String initialPosition() {
        return switch (endpoint.getFrom()) {
            case "start" -> null;
            case "now" -> positions.latestEventId().orElse(null);
            default -> endpoint.getFrom();
        };
    }

    /** @return the number of events read from the feed (delivered or filtered out), so a greedy poll goes on while there are more */
    @Override
    protected int poll() throws Exception {
        polling.lock();
        try {
            return pollLocked();
        } finally {
            polling.unlock();
        }
    }

    private int pollLocked() throws Exception {
        if (!isPollAllowed() || (failures > 0 && nanoClock.getAsLong() - retryAtNanos < 0)) {
            return 0;
        }
        if (!lease.acquire()) {
            leading = false;
            return 0; // another instance consumes this name
        }
        if (!leading) {
            // Taken over (or first poll): the instance that led moved the stored position while this one waited.
            position = positions.find(endpoint.getConsumer()).flatMap(FeedPositions.Position::lastEventId).orElse(position);
            leading = true;
        }
        CappedPage<Read> page = read();
        String passedOver = null;
        for (Read read : page.kept()) {
            TimelineEvent event = read.event();
            if (!isPollAllowed()) {
                break; // stopping: what is not completed is sent again after the restart
            }
            if (event == null) { // the filters passed it over
                passedOver = read.id();
                continue;
            }
            if (!deliver(event, read.body())) {
                advanceTo(passedOver);
                backOff(event.id());
                return 0;
            }
            failures = 0;
            passedOver = null;
            advanceTo(event.id());
        }
        advanceTo(passedOver);
        return page.read(); // a page cut at the byte budget is followed at once (greedy), as a full one
    }

    /**
     * An event read: one the filters take with its body, serialized once to size the page and to send; one they pass
     * over by its id alone (a page of large events passed over holds no more than their ids).
     */
    private record Read(String id, TimelineEvent event, byte[] body) {
    }

    /**
     * Up to {@code batchSize} events after the position, closed at {@code maxBytes} of CloudEvent JSON (at least one).
     * Before, a read was {@code batchSize} events whatever their size, all held until the batch was sent: a few hundred
     * large notes could take the heap. The position moves only past delivered events, so a cut page skips nothing.
     */
    private CappedPage<Read> read() {
        return store.streamed().since(position, endpoint.getBatchSize(), maxBytes, new StreamedEvents.Sized<>() {
            @Override
            public Read keep(TimelineEvent event) {
                return matches(event) ? new Read(event.id(), event, cloudEvents.serialize(event)) : new Read(event.id(), null, null);
            }

            @Override
            public long bytes(Read read) {
                return read.body() == null ? 0 : read.body().length;
            }
        });
    }

    private boolean matches(TimelineEvent event) {
        return endpoint.types().contains(event.type())
                && (endpoint.getIncident() == null || endpoint.getIncident().equals(event.incidentId()));
    }

    private boolean deliver(TimelineEvent event, byte[] body) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(new String(body, StandardCharsets.UTF_8));
            in.setHeader(EVENT_ID, event.id());
            in.setHeader(INCIDENT_ID, event.incidentId());
            in.setHeader(EVENT_SEQ, event.seq());
            in.setHeader(EVENT_TYPE, event.type().wireName());
            exchange.setProperty(EVENT_PROPERTY, event);
            getProcessor().process(exchange);
            return !exchange.isFailed() && !exchange.isRollbackOnly();
        } finally {
            releaseExchange(exchange, false);
        }
    }

    /** The failed event waits {@code delay}, doubled with each further failure, at most {@code maxRetryDelay}. */
    private void backOff(String eventId) {
        failures++;
        long wait = Math.min(endpoint.getMaxRetryDelay(), Math.max(1, getDelay()) << Math.min(failures - 1, 30));
        retryAtNanos = nanoClock.getAsLong() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(wait);
        // The route's error handler has logged the failure itself; say only what happens next.
        LOG.warn("timeline:events consumer={} did not complete event {} (failure {} in a row); it is sent again in {} ms",
                endpoint.getConsumer(), eventId, failures, wait);
    }

    /** For tests: the clock the backoff is measured with. */
    void useNanoClock(java.util.function.LongSupplier clock) {
        this.nanoClock = clock;
    }

    private void advanceTo(String eventId) {
        if (eventId != null) {
            positions.advance(endpoint.getConsumer(), eventId);
            position = eventId;
        }
    }
}
