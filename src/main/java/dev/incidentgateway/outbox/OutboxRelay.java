package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Delivers one connector's outbox rows with up to {@code concurrency} calls open at the target at all times, each for a
 * different incident (one incident strictly in order). Driven by the consumer of its {@code timeline:outbox} route
 * ({@code dev.incidentgateway.camel.TimelineOutboxConsumer}) through {@link #run}.
 *
 * <p>There is no pass to wait for: each claimed row holds one slot ({@link RelaySlots}: two per call, so that slots
 * waiting for their outcome's shared commit do not idle the target), and when its outcome is recorded the same
 * transaction claims the incident's next row ({@link OutboxStore#delivered(OutboxItem, ExternalRef, Instant, Instant)}),
 * which the slot delivers at once; a slot whose incident has nothing more gets a due head of another incident claimed
 * in that same transaction or, when none is due, is handed back; so is a slot that delivered {@link #CHAIN_LIMIT} rows of
 * one incident in a row (other incidents get their turn). The driving thread claims new heads for free slots. That thread
 * is woken by a freed slot, by a commit of this process with rows for the connector ({@link #wake}), and otherwise
 * looks every poll interval (rows committed by other instances, retries coming due).
 *
 * <p>Each delivery has an overall deadline shorter than its lease ({@link DeliveryCall}): a call that hangs is stopped
 * at the deadline (recorded as a retry once it has ended, its slot freed) and never holds back the other incidents. Outcomes are recorded
 * ({@link OutcomeRecorder}) only while the delivery's claim still holds.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** Rows of one incident a slot delivers in a row before it lets the claim choose again (fairness). */
    static final int CHAIN_LIMIT = 16;

    /**
     * Relay knobs ({@code GATEWAY_OUTBOX_*}).
     *
     * @param maxRetryAfter    the longest a vendor's Retry-After is honoured; asking for more waits this long
     * @param deliveryDeadline overall time one delivery (all its HTTP calls) may take; shorter than {@code lease}
     */
    public record Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease, Duration maxRetryAfter,
                           Duration deliveryDeadline, Duration maxBackoff) {
        /** GATEWAY_OUTBOX_MAX_BACKOFF_MS's default. */
        static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);

        public Settings {
            if (deliveryDeadline.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("the outbox delivery deadline (" + deliveryDeadline.toMillis()
                        + " ms) must be shorter than the lease (" + lease.toMillis() + " ms): GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS "
                        + "< GATEWAY_OUTBOX_LEASE_MS");
            }
        }

        public Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease, Duration maxRetryAfter,
                        Duration deliveryDeadline) {
            this(firstBackoff, maxAttempts, concurrency, lease, maxRetryAfter, deliveryDeadline, DEFAULT_MAX_BACKOFF);
        }

        public Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease) {
            this(firstBackoff, maxAttempts, concurrency, lease, Duration.ofSeconds(300), lease.multipliedBy(2).dividedBy(3));
        }

        public Settings(Duration firstBackoff, int maxAttempts, int concurrency) {
            this(firstBackoff, maxAttempts, concurrency, Duration.ofSeconds(90));
        }
    }

    private final Sink sink;
    private final OutboxStore outbox;
    private final Settings settings;
    private final Clock clock;
    private final RelaySlots slots;
    private final TimelineStore timeline;
    /** Something for the driving thread to look at: a freed slot or a commit with rows for this connector. */
    private final BlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    /** Held while rows are claimed and handed to slots, so {@link #stopClaiming} returns only once no claim is half-done. */
    private final Object claimLock = new Object();

    public OutboxRelay(Sink sink, OutboxStore outbox, TimelineStore timeline, Settings settings, MeterRegistry meters, Clock clock) {
        this.sink = sink;
        this.outbox = outbox;
        this.settings = settings;
        this.clock = clock;
        this.timeline = timeline;
        this.slots = new RelaySlots(sink.connector(), new DeliveryCall(sink, outbox, timeline, settings.deliveryDeadline(),
                abortGrace(settings), meters),
                outbox, settings, meters, clock, () -> wakeups.offer(Boolean.TRUE));
    }

    /**
     * How long a call stopped at its deadline may take to end before its row is left to its lease: a quarter of the
     * margin between deadline and lease (the permit wait takes half of it, recording needs the rest), at most the deadline.
     */
    static Duration abortGrace(Settings settings) {
        Duration quarter = settings.lease().minus(settings.deliveryDeadline()).dividedBy(4);
        return quarter.compareTo(settings.deliveryDeadline()) < 0 ? quarter : settings.deliveryDeadline();
    }

    static ThreadFactory daemon(String name) {
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
     * Claims as many due rows as there are free slots and starts their deliveries; does not wait for them (each slot
     * then goes on with its incident's next rows). Returns how many it started.
     */
    public int pass() throws SQLException {
        synchronized (claimLock) {
            return slots.claiming ? claimAndStart() : 0;
        }
    }

    private int claimAndStart() throws SQLException {
        int free = slots.free();
        if (free == 0) {
            return 0;
        }
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(settings.lease());
        List<OutboxItem> claimed = outbox.claimDue(sink.connector(), free, now, leaseUntil);
        // Set before the slots start: a slot that records its outcome at once must already see it to refill itself.
        slots.backlog = claimed.size() == free;
        claimed.forEach(item -> slots.start(item, leaseUntil));
        return claimed.size();
    }

    /**
     * Drives this relay until {@code running} says stop: claims for free slots, then sleeps until a slot frees, a
     * commit {@linkplain #wake wakes} it, or {@code poll} passes. A failed claim (store unreachable) is retried after
     * {@code poll}.
     */
    public void run(BooleanSupplier running, Duration poll) throws InterruptedException {
        while (running.getAsBoolean()) {
            int started;
            try {
                started = pass();
            } catch (SQLException e) {
                // Every poll while the store is down: part of the outage the health probe logs once (StoreOutage).
                dev.incidentgateway.store.StoreOutage.log(LOG, timeline.outage().retried(),
                        "Outbox relay {}: could not read its rows (retried at the next poll): {}", connector(), Redact.text(e.getMessage()));
                started = 0;
            }
            if (started == 0 && wakeups.poll(poll.toMillis(), TimeUnit.MILLISECONDS) != null) {
                wakeups.clear();
            }
        }
    }

    /** Rows for this connector were committed: the driving thread looks at once rather than at its next poll. */
    public void wake() {
        if (wakeups.isEmpty()) {
            wakeups.offer(Boolean.TRUE);
        }
    }

    /**
     * Keeps the slots filled while {@code running} says so and returns once no row was due and no delivery runs
     * (tests; the consumer uses {@link #run}). A hung delivery blocks its own slot, never this loop.
     */
    public void drive(BooleanSupplier running, Duration poll) throws SQLException, InterruptedException {
        while (running.getAsBoolean()) {
            int started = pass();
            if (started == 0 && !busy()) {
                return;
            }
            if (started == 0) {
                awaitProgress(poll);
            }
        }
    }

    /** Whether any delivery is running. */
    public boolean busy() {
        return slots.busy();
    }

    /** Waits until some slot ends its deliveries or {@code max} passes. */
    public void awaitProgress(Duration max) throws InterruptedException {
        if (slots.finished.poll(max.toMillis(), TimeUnit.MILLISECONDS) != null) {
            slots.finished.clear();
        }
    }

    /** Signals of ended slots not yet taken by {@link #awaitProgress} (tests: they never pile up). */
    int pendingProgressSignals() {
        return slots.finished.size();
    }

    /** Waits until no delivery is running (tests). */
    public void awaitIdle() throws InterruptedException {
        while (busy()) {
            awaitProgress(Duration.ofMillis(50));
        }
    }

    /**
     * Shutdown, first step: claims no more rows (neither new heads nor an incident's next row). Returns once a claim
     * under way has handed its rows to workers, so {@link #awaitIdle(Instant)} afterwards sees every delivery this relay
     * will start.
     */
    public void stopClaiming() {
        synchronized (claimLock) {
            slots.claiming = false;
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
        slots.abandoned = true;
    }

    /** A vendor's Retry-After, but never longer than {@code maxRetryAfter}. */
    Duration cap(Duration retryAfter) {
        return slots.recorder().cap(retryAfter);
    }

    /** Exponential backoff with jitter: first × 2^(attempt−1), capped, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        return slots.recorder().backoff(attempt);
    }

    @Override
    public void close() {
        slots.close();
    }
}
