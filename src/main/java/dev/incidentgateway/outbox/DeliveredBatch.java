package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.DistributionSummary;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Group commit for the relay's "delivered" outcomes: a slot queues its outcome, and whichever slot gets to record next
 * records every outcome queued by then in one transaction ({@link OutboxStore#deliveredAll}). Each outcome keeps its own
 * meaning: recorded only while its claim holds, the incident's next row claimed in the same transaction. A failed commit
 * fails every outcome of the batch: their rows keep their leases and are delivered again (at-least-once), as a single
 * failed one would be.
 *
 * <p>While a backlog drains and other calls are open ({@code moreComing}), the recording slot waits up to
 * {@link #GATHER_NANOS} for {@code target} outcomes (one per call the relay may have open) before it commits: on H2 a
 * commit of one outcome wrote ~16 KB and cost ~0.9 ms of CPU, one of four ~4 KB and ~0.21 ms per outcome, one of eight
 * ~0.12 ms (bench/OutcomeCommitBenchmark.java; most of a chunk is the index and map roots every commit rewrites), and
 * H2's background maintenance rewrites chunks in proportion to how many were written. The relay has more slots than
 * calls ({@link RelaySlots}), so the wait does not idle the target. A quiet relay (the paced path) commits each outcome
 * at once, as before.
 */
final class DeliveredBatch {
    /**
     * The longest a recording slot waits for others' outcomes: about the time the other open calls take to finish (two
     * 5 ms vendor calls in bench/delivery.sh), so a batch can hold an outcome of every call open when it began.
     */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(8);

    private record Request(OutboxStore.Delivered delivery, CompletableFuture<OutboxStore.Recorded> result) {
    }

    private final OutboxStore outbox;
    private final int target;
    private final BooleanSupplier moreComing;
    private final DistributionSummary perCommit;
    private final ConcurrentLinkedQueue<Request> queued = new ConcurrentLinkedQueue<>();
    /** How many are queued (the queue's own size() walks it). */
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final ReentrantLock recording = new ReentrantLock();
    /** The slot gathering outcomes for the next commit, woken when {@code target} are queued. */
    private volatile Thread gathering;

    DeliveredBatch(OutboxStore outbox, int target, BooleanSupplier moreComing, DistributionSummary perCommit) {
        this.outbox = outbox;
        this.target = target;
        this.moreComing = moreComing;
        this.perCommit = perCommit;
    }

    OutboxStore.Recorded record(OutboxStore.Delivered delivery) throws SQLException {
        Request mine = new Request(delivery, new CompletableFuture<>());
        queued.add(mine);
        if (queuedCount.incrementAndGet() >= target) {
            Thread g = gathering;
            if (g != null) {
                LockSupport.unpark(g);
            }
        }
        recording.lock();
        try {
            if (!mine.result().isDone()) {
                gather();
                recordQueued(); // includes mine, and whatever other slots queued meanwhile
            }
        } finally {
            recording.unlock();
        }
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an outcome", e);
        }
    }

    /** Waits (holding the recording lock) until {@code target} outcomes are queued, none more is coming, or time is up. */
    private void gather() {
        long until = System.nanoTime() + GATHER_NANOS;
        gathering = Thread.currentThread();
        try {
            for (long left = GATHER_NANOS; queuedCount.get() < target && left > 0 && moreComing.getAsBoolean()
                    && !Thread.currentThread().isInterrupted();
                 left = until - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            gathering = null;
        }
    }

    private void recordQueued() {
        List<Request> batch = new ArrayList<>();
        for (Request r; (r = queued.poll()) != null; ) {
            queuedCount.decrementAndGet();
            batch.add(r);
        }
        perCommit.record(batch.size());
        try {
            List<OutboxStore.Recorded> results = outbox.deliveredAll(batch.stream().map(Request::delivery).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
        }
    }
}
