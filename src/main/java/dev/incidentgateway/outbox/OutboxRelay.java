package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers one connector's outbox rows: claims the due rows (the head of each incident's queue, so
 * different incidents go in parallel and one incident strictly in order), hands each to the sink, and
 * writes the classified outcome back into the row: delivered, retry later (Retry-After, capped, or
 * exponential backoff with jitter), or dead. Driven by the consumer of its {@code timeline:outbox} route
 * ({@code dev.incidentgateway.camel.TimelineOutboxConsumer}).
 *
 * <p>Each delivery holds one of {@code concurrency} slots and has an overall deadline shorter than its
 * lease: a call that hangs is abandoned at the deadline (recorded as a retry, its slot freed) and never
 * holds back the other incidents, whose deliveries take the other slots meanwhile. Outcomes are recorded
 * only while the delivery's claim still holds, so an operator's skip that won is never overwritten.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    /**
     * Relay knobs ({@code GATEWAY_OUTBOX_*}).
     *
     * @param maxRetryAfter    the longest a vendor's Retry-After is honoured; asking for more waits this long
     * @param deliveryDeadline overall time one delivery (all its HTTP calls) may take; shorter than {@code lease}
     */
    public record Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease, Duration maxRetryAfter,
                           Duration deliveryDeadline) {
        public Settings {
            if (deliveryDeadline.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("the outbox delivery deadline (" + deliveryDeadline.toMillis()
                        + " ms) must be shorter than the lease (" + lease.toMillis() + " ms): GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS "
                        + "< GATEWAY_OUTBOX_LEASE_MS");
            }
        }

        public Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease) {
            this(firstBackoff, maxAttempts, concurrency, lease, Duration.ofSeconds(300), lease.multipliedBy(2).dividedBy(3));
        }

        /** The configured settings, the deadline kept to at most two thirds of the lease (so a short lease stays safe). */
        public static Settings configured(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease,
                                          Duration maxRetryAfter, Duration deadline) {
            Duration ceiling = lease.multipliedBy(2).dividedBy(3);
            return new Settings(firstBackoff, maxAttempts, concurrency, lease, maxRetryAfter,
                    deadline.compareTo(ceiling) > 0 ? ceiling : deadline);
        }

        public Settings(Duration firstBackoff, int maxAttempts, int concurrency) {
            this(firstBackoff, maxAttempts, concurrency, Duration.ofSeconds(90));
        }
    }

    private final Sink sink;
    private final OutboxStore outbox;
    private final ExternalRefs refs;
    private final TimelineStore timeline;
    private final Settings settings;
    private final Clock clock;
    /** One thread per slot: waits for its delivery's outcome (or deadline) and records it. */
    private final ExecutorService workers;
    /** The sink calls themselves; a hung one is abandoned here at its deadline, not waited for. */
    private final ExecutorService calls;
    private final Semaphore slots;
    private final BlockingQueue<Long> finished = new LinkedBlockingQueue<>();
    private final Timer latency;
    private final DistributionSummary attempts;
    private final MeterRegistry meters;
    /** Held while rows are claimed and handed to workers, so {@link #stopClaiming} returns only once no claim is half-done. */
    private final Object claimLock = new Object();
    private volatile boolean claiming = true;
    /** Set at shutdown after the wait ran out: outcomes still to come are not recorded (the store is closing). */
    private volatile boolean abandoned;

    public OutboxRelay(Sink sink, OutboxStore outbox, TimelineStore timeline, Settings settings, MeterRegistry meters, Clock clock) {
        this.sink = sink;
        this.outbox = outbox;
        this.refs = new ExternalRefs(outbox.dataSource());
        this.timeline = timeline;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.slots = new Semaphore(settings.concurrency());
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), daemon("outbox-" + sink.connector()));
        this.calls = Executors.newCachedThreadPool(daemon("outbox-call-" + sink.connector()));
        this.latency = Timer.builder("gateway.outbox.delivery.latency").tag("connector", sink.connector())
                .description("From the event's commit to the target's 2xx").publishPercentileHistogram().register(meters);
        this.attempts = DistributionSummary.builder("gateway.outbox.attempts").tag("connector", sink.connector())
                .description("Attempts a delivered row needed").register(meters);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public String connector() {
        return sink.connector();
    }

    /**
     * One pass: claims as many due rows as there are free slots and starts their deliveries; does not wait
     * for them. Returns how many it started.
     */
    public int pass() throws SQLException {
        synchronized (claimLock) {
            return claiming ? claimAndStart() : 0;
        }
    }

    private int claimAndStart() throws SQLException {
        int free = slots.availablePermits();
        if (free == 0) {
            return 0;
        }
        Instant now = clock.instant();
        List<OutboxItem> claimed = outbox.claimDue(sink.connector(), free, now, now.plus(settings.lease()));
        for (OutboxItem item : claimed) {
            slots.acquireUninterruptibly(); // only the driving thread acquires: a permit counted free is still free
            try {
                workers.execute(() -> {
                    try {
                        deliver(item);
                    } finally {
                        slots.release();
                        finished.add(item.id());
                    }
                });
            } catch (RejectedExecutionException e) { // closing: the row's lease runs out and it is due again
                slots.release();
            }
        }
        return claimed.size();
    }

    /**
     * Keeps the slots filled while {@code running} says so: a pass after every finished delivery (which may make
     * the next row of its incident due), a look for new rows every {@code poll} while deliveries run. Returns
     * once no row was due and no delivery runs. A hung delivery thus blocks its own slot, never this loop.
     */
    public void drive(java.util.function.BooleanSupplier running, Duration poll) throws SQLException, InterruptedException {
        while (running.getAsBoolean()) {
            int started = pass();
            if (started == 0 && !busy()) {
                return; // idle: the next tick looks again
            }
            if (started == 0) {
                awaitProgress(poll);
            }
        }
    }

    /** Whether any delivery is running. */
    public boolean busy() {
        return slots.availablePermits() < settings.concurrency();
    }

    /** Waits until some delivery finishes (a slot frees, the next row of its incident may be due) or {@code max} passes. */
    public void awaitProgress(Duration max) throws InterruptedException {
        if (finished.poll(max.toMillis(), TimeUnit.MILLISECONDS) != null) {
            finished.clear();
        }
    }

    /** Waits until no delivery is running (tests). */
    public void awaitIdle() throws InterruptedException {
        while (busy()) {
            awaitProgress(Duration.ofMillis(50));
        }
    }

    /**
     * Shutdown, first step: claims no more rows. Returns once a pass under way has handed its claimed rows to
     * workers, so {@link #awaitIdle(Instant)} afterwards sees every delivery this relay will start.
     */
    public void stopClaiming() {
        synchronized (claimLock) {
            claiming = false;
        }
    }

    /** Waits until no delivery is running or {@code deadline} passes; whether none runs. */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        while (busy()) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return false;
            }
            awaitProgress(left.compareTo(Duration.ofMillis(50)) < 0 ? left : Duration.ofMillis(50));
        }
        return true;
    }

    /**
     * Shutdown, after {@link #awaitIdle(Instant)} ran out: deliveries still running record nothing when they end, so their
     * rows keep their claim and are delivered again once the lease runs out (at-least-once; the store is closing).
     */
    public void abandonRunning() {
        abandoned = true;
    }

    private void deliver(OutboxItem item) {
        try {
            DeliveryResult result = attemptWithin(item);
            if (abandoned) {
                LOG.warn("Outbox row {} for {} finished after the shutdown timeout: its outcome is not recorded, the row is "
                        + "delivered again after its lease", item.id(), sink.connector());
            } else {
                record(item, result);
            }
        } catch (SQLException e) {
            // The row keeps its lease and is due again when it runs out: nothing is lost.
            LOG.warn("Could not record the outcome of outbox row {} for {}: {}", item.id(), sink.connector(), Redact.text(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Outbox delivery to {} failed unexpectedly: {}", sink.connector(), Redact.error(e));
            LOG.debug("Outbox delivery failure", e);
        }
    }

    /** The sink's outcome, or a retry when it has none within the deadline (the call is abandoned, interrupted). */
    private DeliveryResult attemptWithin(OutboxItem item) throws SQLException {
        Future<DeliveryResult> call = calls.submit(() -> attempt(item));
        try {
            return call.get(settings.deliveryDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            meters.counter("gateway.outbox.deadline.exceeded", "connector", sink.connector()).increment();
            return new DeliveryResult.Retry("no outcome from " + sink.connector() + " within the delivery deadline of "
                    + settings.deliveryDeadline().toMillis() + " ms", null);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("relay closing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e.getCause(), null);
        }
    }

    private void record(OutboxItem item, DeliveryResult result) throws SQLException {
        Instant now = clock.instant();
        int attempt = item.attempts() + 1;
        boolean recorded;
        if (result instanceof DeliveryResult.Delivered d) {
            recorded = outbox.delivered(item, d.created(), now);
            if (recorded) {
                latency.record(Duration.between(item.createdAt(), now));
                attempts.record(attempt);
                meters.counter("gateway.outbox.delivered", "connector", sink.connector()).increment();
            }
        } else if (result instanceof DeliveryResult.Retry r) {
            boolean giveUp = attempt >= settings.maxAttempts();
            Duration wait = r.retryAfter() != null ? cap(r.retryAfter()) : backoff(attempt);
            recorded = outbox.failed(item, giveUp ? r.reason() + " (gave up after " + attempt + " attempts)" : r.reason(),
                    now.plus(wait), giveUp);
            meters.counter("gateway.outbox.failures", "connector", sink.connector(), "kind", giveUp ? "dead" : "retry").increment();
        } else {
            DeliveryResult.Dead d = (DeliveryResult.Dead) result;
            recorded = outbox.failed(item, d.reason(), now, true);
            meters.counter("gateway.outbox.failures", "connector", sink.connector(), "kind", "dead").increment();
            LOG.warn("Outbox row {} to {} dead-lettered: {}", item.id(), sink.connector(), Redact.text(d.reason()));
        }
        if (!recorded) {
            LOG.info("Outcome of outbox row {} for {} not recorded: the row was skipped or reclaimed meanwhile", item.id(),
                    sink.connector());
        }
    }

    /** A vendor's Retry-After, but never longer than {@code maxRetryAfter}. */
    Duration cap(Duration retryAfter) {
        return retryAfter.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retryAfter;
    }

    private DeliveryResult attempt(OutboxItem item) throws SQLException {
        TimelineEvent event = timeline.event(item.eventId()).orElse(null);
        Incident incident = timeline.incident(item.incidentId()).orElse(null);
        if (event == null || incident == null) {
            return new DeliveryResult.Dead("event " + item.eventId() + " or incident " + item.incidentId() + " is not in the store");
        }
        try {
            return sink.deliver(new Delivery(item, event, incident, refs.find(item.incidentId(), sink.connector())));
        } catch (RuntimeException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e, null);
        }
    }

    /** Exponential backoff with jitter: first × 2^(attempt−1), capped, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        long base = settings.firstBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5)));
    }

    @Override
    public void close() {
        if (abandoned) {
            // Not interrupted: a call may be reading the store, which is still being closed (H2 closes its file when a
            // thread doing I/O on it is interrupted). The threads are daemons; what they finish is not recorded.
            workers.shutdown();
            calls.shutdown();
        } else {
            workers.shutdownNow();
            calls.shutdownNow();
        }
    }
}
