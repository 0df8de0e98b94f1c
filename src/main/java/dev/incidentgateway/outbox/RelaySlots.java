package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The slots of one {@link OutboxRelay}: each slot holds one claimed row (one incident) and delivers it, then the rows
 * that recording each outcome claimed for it (the incident's next rows, at most {@link OutboxRelay#CHAIN_LIMIT} in a
 * row, or another incident's due head while a backlog is seen).
 *
 * <p>There are {@value #SLOTS_PER_CALL} slots per call the relay may have open at its target ({@code concurrency}): a slot
 * holds a call permit only for its call, not while its outcome is recorded, so while some slots wait for their shared
 * commit ({@link DeliveredBatch}) others keep the target busy. That is what lets outcomes share a commit without idling
 * the target: on H2 a commit of one outcome cost about as much as one of four (most of a commit is the pages and roots
 * every chunk writes).
 */
final class RelaySlots {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySlots.class);
    /**
     * Not more: every slot beyond the calls queues for a permit when the target is slow, and a row waiting for k calls
     * is left to its lease once calls take 1/k of {@code permitWait}. Four slots per call (with a cap on the rows before
     * their call) drained a 5 ms fake's burst faster only on a loaded machine, not on a quiet one (bench/README.md,
     * "Outbox delivery", session 42).
     */
    static final int SLOTS_PER_CALL = 2;
    /** A call is not started with less of its row's lease left than this (it would be stopped before it could answer). */
    private static final Duration MIN_CALL_TIME = Duration.ofMillis(100);

    private final String connector;
    private final DeliveryCall call;
    private final OutcomeRecorder recorder;
    private final int concurrency;
    /** One thread per slot: runs its deliveries and records their outcomes. */
    private final ExecutorService workers;
    private final Semaphore slots;
    /** Calls open at the target: at most {@code concurrency}. */
    private final Semaphore calls;
    /**
     * The longest a slot waits for a call permit: a row claimed with a lease must be called and recorded before the lease
     * runs out, and a call may take the whole delivery deadline, so the wait gets half of the margin between the two.
     */
    private final Duration permitWait;
    private final Runnable freed;
    private final Duration lease;
    private final Clock clock;
    /**
     * A slot ended its deliveries since {@link OutboxRelay#awaitProgress} last looked. One signal at most: only shutdown
     * and tests wait here, so a queue with one entry per slot run grew by one for every delivery the relay made.
     */
    final BlockingQueue<Long> finished = new ArrayBlockingQueue<>(1);
    volatile boolean claiming = true;
    /** Set at shutdown after the wait ran out: outcomes still to come are not recorded (the store is closing). */
    volatile boolean abandoned;
    /**
     * Whether more rows were due than the last claim could take (it filled every free slot, or a refill found a head):
     * only then does an outcome claim a new head for its slot, and do outcomes wait a little to share a commit. A quiet
     * relay skips both (the claim query would find nothing; nothing else would join the commit).
     */
    volatile boolean backlog;

    /** @param freed run when a slot ends its deliveries (wakes the relay's driving thread) */
    RelaySlots(String connector, DeliveryCall call, OutboxStore outbox, OutboxRelay.Settings settings, MeterRegistry meters,
               Clock clock, Runnable freed) {
        this.connector = connector;
        this.call = call;
        this.concurrency = settings.concurrency();
        this.freed = freed;
        this.lease = settings.lease();
        this.clock = clock;
        this.permitWait = settings.lease().minus(settings.deliveryDeadline()).dividedBy(2);
        int count = settings.concurrency() * SLOTS_PER_CALL;
        this.slots = new Semaphore(count);
        this.calls = new Semaphore(settings.concurrency(), true);
        this.recorder = new OutcomeRecorder(connector, outbox, settings, meters, clock, this::moreOutcomesComing);
        this.workers = Executors.newFixedThreadPool(count, OutboxRelay.daemon("outbox-" + connector));
    }

    OutcomeRecorder recorder() {
        return recorder;
    }

    int free() {
        return slots.availablePermits();
    }

    /** Whether any slot holds a row. */
    boolean busy() {
        return slots.availablePermits() < concurrency * SLOTS_PER_CALL;
    }

    /** Whether outcomes other than those queued are on their way: a backlog is being drained and calls are open. */
    boolean moreOutcomesComing() {
        return backlog && calls.availablePermits() < concurrency;
    }

    /** Starts a slot with {@code item}; only the driving thread starts slots, so a slot counted free is still free. */
    void start(OutboxItem item, Instant leaseUntil) {
        slots.acquireUninterruptibly();
        try {
            workers.execute(() -> deliverFrom(new Claimed(item, leaseUntil)));
        } catch (RejectedExecutionException e) { // closing: the row's lease runs out and it is due again
            slots.release();
        }
    }

    /** A row this slot holds, and (no later than) when its lease runs out. */
    private record Claimed(OutboxItem item, Instant leaseUntil) {
    }

    private void deliverFrom(Claimed first) {
        try {
            Claimed claimed = first;
            for (int inARow = 1; claimed != null; ) {
                Claimed next = deliver(claimed, claiming && inARow < OutboxRelay.CHAIN_LIMIT);
                inARow = next != null && next.item().incidentId().equals(claimed.item().incidentId()) ? inARow + 1 : 1;
                claimed = next;
            }
        } finally {
            slots.release();
            finished.offer(first.item().id()); // full: a signal is already waiting, one is enough
            freed.run();
        }
    }

    /**
     * Delivers one row and records its outcome; the row claimed for the slot meanwhile (the incident's next row when
     * {@code chain}, else a new head), or null.
     */
    private Claimed deliver(Claimed claimed, boolean chain) {
        OutboxItem item = claimed.item();
        try {
            DeliveryCall.Prepared prepared = call.prepare(item); // reads outside the permit: it is for calls
            DeliveryResult result = prepared.dead();
            if (result == null) {
                if (call.stillRunning(item.incidentId())) {
                    // An earlier call of this incident, abandoned at its deadline, has not ended: this one could overtake it.
                    LOG.warn("Outbox row {} for {} not delivered: a call abandoned earlier for incident {} still runs; the row "
                            + "is retried after its lease", item.id(), connector, item.incidentId());
                    return null;
                }
                if (!calls.tryAcquire(permitWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    // Every call permit held by hung calls: the row keeps its claim and is due again when its lease runs out.
                    LOG.warn("Outbox row {} for {} not delivered: no call slot free within {} ms; it is retried after its lease",
                            item.id(), connector, permitWait.toMillis());
                    return null;
                }
                try {
                    // The call must have ended (answered, or stopped within the abort grace) and its outcome be recorded
                    // before the lease lets another claim send the row: a slow claim, read or permit wait shortens it.
                    Duration left = Duration.between(clock.instant(), claimed.leaseUntil()).minus(call.abortGrace().multipliedBy(2));
                    if (left.compareTo(MIN_CALL_TIME) < 0) {
                        LOG.warn("Outbox row {} for {} not delivered: too little of its lease left for a call; it is retried "
                                + "after its lease", item.id(), connector);
                        return null;
                    }
                    result = call.attemptWithin(prepared.delivery(), left);
                } finally {
                    calls.release();
                }
                if (result == null) {
                    LOG.warn("Outbox row {} for {}: the call abandoned at the delivery deadline did not stop; the row keeps its "
                            + "claim and is retried after its lease", item.id(), connector);
                    return null;
                }
            }
            if (abandoned) {
                LOG.warn("Outbox row {} for {} finished after the shutdown timeout: its outcome is not recorded, the row is "
                        + "delivered again after its lease", item.id(), connector);
                return null;
            }
            // After CHAIN_LIMIT rows of one incident the slot is handed back: the driving thread's claim chooses again.
            boolean more = chain && claiming && !abandoned;
            Instant leaseFrom = clock.instant(); // the next row's lease runs from a moment at or after this one
            OutboxItem next = recorder.record(item, result, more, more && backlog);
            if (more && backlog && (next == null || !next.incidentId().equals(item.incidentId()))) {
                backlog = next != null; // a refill found no due head: the backlog is gone
            }
            return next == null ? null : new Claimed(next, leaseFrom.plus(lease));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the row keeps its claim until its lease runs out
        } catch (SQLException e) {
            // The row keeps its lease and is due again when it runs out: nothing is lost.
            LOG.warn("Could not record the outcome of outbox row {} for {}: {}", item.id(), connector, Redact.text(e.getMessage()));
        } catch (RuntimeException e) {
            if (e instanceof java.util.concurrent.RejectedExecutionException && !claiming) {
                // A shutdown whose drain ran out closed the call executor before this claimed row's call started: no call
                // went out, and the row keeps its claim until its lease runs out, as for an interrupt. No failure to warn of.
                LOG.debug("Outbox row {} for {} not called: the relay is closing", item.id(), connector);
                return null;
            }
            LOG.warn("Outbox delivery to {} failed unexpectedly: {}", connector, Redact.error(e));
            LOG.debug("Outbox delivery failure", e);
        }
        return null;
    }

    void close() {
        claiming = false; // a slot still recording (or gathering outcomes for a commit) claims nothing more once closed
        if (abandoned) {
            // Not interrupted: a call may be reading the store, which is still being closed (H2 closes its file when a
            // thread doing I/O on it is interrupted). The threads are daemons; what they finish is not recorded.
            workers.shutdown();
            call.close(false);
        } else {
            workers.shutdownNow();
            call.close(true);
        }
    }
}
