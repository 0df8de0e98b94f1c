package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.store.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The single writer of the timeline, with group commit: requests queue up, and one thread commits all
 * that are waiting in one transaction (up to {@code maxBatch}), so 32 concurrent callers cost about one
 * commit, not 32. Each request stays all-or-nothing; a refused request does not affect the others.
 *
 * <p><b>Pipelined.</b> While one group is being written and committed (on the {@code timeline-committer} thread), the
 * writer thread stages the next: its lookups (on a connection of their own, reading committed data), state machine,
 * ids and hashes, on the head and views the group in flight will leave; requests that arrive meanwhile join it. It is
 * handed over once the previous group has committed. If that one failed, or another instance appended in between
 * (checked under the lock by the first write: {@link StaleHeadException}), what was staged on it is dropped unwritten and
 * the requests go through the plain path: one transaction that takes the lock first, on this thread.
 *
 * <p><b>Why the {@code Since} feed never skips an event.</b> A reader pages with {@code id > lastSeen}.
 * That is only safe if no event with a smaller id can commit after a reader saw a larger one. Ids are
 * assigned by this one thread per process, in staging order, and written only under the append lock (on PostgreSQL
 * {@code pg_advisory_xact_lock}, shared by every instance) and only when they are above the largest id stored: the
 * plain path reads that id under the lock before assigning any, the pipelined one checks under the lock that the
 * largest id is still the one it staged on. So transactions commit in id order: every id in a committed transaction is
 * larger than every id of all transactions committed before it, and a transaction's rows become visible
 * together at commit. A reader that has seen id X will therefore only ever find new events above X.
 */
public final class TimelineWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineWriter.class);
    /**
     * Put in the queue when the committer thread is done with a group, so a writer waiting for requests (to join a staged
     * group, or for the next group) notices at once; never answered, dropped wherever requests are taken.
     */
    private final Request doneSignal = new Request(List.of(), AppendMode.ALL_OR_NOTHING, null, false, new CompletableFuture<>());

    record Request(List<NewEvent> events, AppendMode mode, SourceProgress progress, boolean callerWaits,
                   CompletableFuture<List<AppendOutcome>> result) {
    }

    /** A group handed to the committer thread, and that thread's work on it. */
    private record InFlight(StagedGroup group, CompletableFuture<Void> done) {
    }

    private final int maxBatch;
    private final BlockingQueue<Request> queue;
    private final WriterMemory memory = new WriterMemory();
    private final GroupCommitter groups;
    private final Thread thread;
    private volatile boolean running = true;
    /** The group being written by the committer thread ({@code null}: none; writer thread only). */
    private InFlight inFlight;
    /** The callers of the last group, waited for briefly (writer thread only). */
    private final LateArrivals lateArrivals;
    /** True while the store's health probe knows it is down (counting a retry): then a failed group logs at DEBUG. */
    private volatile java.util.function.BooleanSupplier knownOutage = () -> false;

    /** Made by {@link TimelineStore}, which registers the group meters on its registry. */
    TimelineWriter(DataSource dataSource, SqlDialect dialect, String typePrefix, int maxBatch, int queueCapacity,
                   Correlator correlator, ChainKey chainKey, List<AppendListener> listeners, GroupMeters meters) {
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.lateArrivals = new LateArrivals(queue, maxBatch);
        this.groups = new GroupCommitter(dataSource, dialect, memory, typePrefix, correlator, chainKey, listeners, meters);
        this.thread = new Thread(this::run, "timeline-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Once the store has a health probe: its outage (StoreOutage) is logged once, not per failed group. */
    void knownOutage(java.util.function.BooleanSupplier duringOutage) {
        this.knownOutage = duringOutage;
    }

    /** Queues one all-or-nothing request; the future completes once it is committed (or refused). */
    public CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events) {
        return submit(events, AppendMode.ALL_OR_NOTHING, null);
    }

    /**
     * @param mode     all-or-nothing, or which refusals are reported per event instead of thrown
     * @param progress a polling source's watermark to commit with the events, or {@code null}
     */
    public CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events, AppendMode mode, SourceProgress progress) {
        return submit(events, mode, progress, false);
    }

    /** @param callerWaits a thread blocks until the future completes (it comes back at once; see {@link LateArrivals}) */
    CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events, AppendMode mode, SourceProgress progress, boolean callerWaits) {
        CompletableFuture<List<AppendOutcome>> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new StoreUnavailableException("the timeline writer is stopped", null));
        } else if (!queue.offer(new Request(List.copyOf(events), mode, progress, callerWaits, result))) {
            result.completeExceptionally(new AppendQueueFullException(queue.size() + queue.remainingCapacity()));
        }
        return result;
    }

    private void run() {
        List<Request> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null || first == doneSignal) {
                    // A group in flight that did not commit is recovered here (the done signal: as soon as it is done).
                    if (inFlight != null && inFlight.done().isDone()) {
                        settleInFlight();
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                lateArrivals.gather(batch);
                // A caller that gave up (append timeout) cancelled its future: drop it unwritten, so a hung
                // store does not leave a backlog of work nobody waits for, and that request is really not stored.
                batch.removeIf(r -> r == doneSignal || r.result().isDone());
                if (!batch.isEmpty()) {
                    process(batch);
                }
                lateArrivals.lastGroup(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // Interrupted while gathering: the requests taken so far are answered like those left in the queue.
                StoreUnavailableException stopped = new StoreUnavailableException("the timeline writer is stopped", null);
                batch.forEach(r -> r.result().completeExceptionally(stopped));
                break;
            } catch (RuntimeException e) {
                LOG.error("Timeline writer failed a batch", e);
                batch.forEach(r -> r.result().completeExceptionally(new StoreUnavailableException("append failed", e)));
            } finally {
                batch.clear();
            }
        }
        try {
            settleInFlight();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        groups.shutdown();
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new StoreUnavailableException("the timeline writer is stopped", null));
        }
    }

    /**
     * Stages the group on the head the group in flight (or this writer's last commit) leaves, waits for the group in
     * flight, and hands this one to the committer thread; the plain path when there is no known head to stage on, when
     * staging failed, or when the group in flight did not commit.
     */
    private void process(List<Request> batch) throws InterruptedException {
        try {
            StagedGroup next = inFlight != null || memory.head() != null ? stageOnKnownHead(batch) : null;
            boolean previousCommitted = settleInFlight();
            if (next != null && previousCommitted) {
                CompletableFuture<Void> done = groups.commitAsync(next);
                done.whenComplete((ok, failed) -> queue.offer(doneSignal));
                inFlight = new InFlight(next, done);
            } else {
                groups.commitPlain(batch); // under the lock; after a failure the memory is forgotten, so everything is read again
            }
        } catch (StoreUnreachableException e) {
            settleInFlight(); // the group in flight has its own connection: it may still commit
            failUnreachable(batch, e);
        }
    }

    /**
     * No connection could be had: this group and every request queued behind it fail now, as not stored (503 +
     * Retry-After), instead of one group after another each waiting the pool's whole connection timeout (and the
     * queued ones their append timeout). The circuit breaker counts them and refuses what comes next at once until the
     * store answers again.
     */
    private void failUnreachable(List<Request> batch, StoreUnreachableException e) {
        List<Request> failed = new ArrayList<>(batch);
        queue.drainTo(failed);
        if (failed.removeIf(r -> r == doneSignal)) {
            queue.offer(doneSignal); // the committer's wake-up is not ours to drop
        }
        failed.removeIf(r -> r.result().isDone());
        dev.incidentgateway.store.StoreOutage.log(LOG, knownOutage.getAsBoolean(),
                "The store cannot be reached ({}): {} appends fail now, nothing of them stored", e.getMessage(), failed.size());
        failed.forEach(r -> r.result().completeExceptionally(e));
    }

    private StagedGroup stageOnKnownHead(List<Request> batch) throws InterruptedException {
        AppendTransaction base = inFlight == null ? null : inFlight.group().tx;
        try (Connection reads = groups.readConnection()) {
            AppendTransaction tx = groups.onKnownHead(reads, base);
            List<Object> outcomes = new ArrayList<>(batch.size());
            GroupCommitter.applyAll(tx, batch, outcomes);
            while (inFlight != null && !inFlight.done().isDone() && batch.size() < maxBatch) {
                // The previous group is still being written: requests arriving meanwhile join this one.
                List<Request> more = new ArrayList<>();
                Request next = queue.poll(10, TimeUnit.MILLISECONDS); // doneSignal ends the wait
                if (next != null && next != doneSignal) {
                    more.add(next);
                    queue.drainTo(more, maxBatch - batch.size() - 1);
                    more.removeIf(r -> r == doneSignal || r.result().isDone());
                    batch.addAll(more);
                    GroupCommitter.applyAll(tx, more, outcomes);
                }
            }
            tx.seal();
            return new StagedGroup(batch, outcomes, tx);
        } catch (StoreUnreachableException e) {
            throw e; // the plain path would wait for a connection again
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Staging a group of {} without the lock failed ({}); it goes through the plain path", batch.size(), e.toString());
            return null;
        }
    }

    /**
     * Waits for the group in flight. If it did not commit, its requests are recovered here: staged again under the lock
     * (stale head), retried one by one, or failed, as on the plain path.
     *
     * @return whether it committed (or there was none)
     */
    private boolean settleInFlight() throws InterruptedException {
        InFlight f = inFlight;
        if (f == null) {
            return true;
        }
        inFlight = null;
        try {
            f.done().get();
            return true;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            memory.forget();
            List<Request> open = f.group().requests.stream().filter(r -> !r.result().isDone()).toList();
            if (!open.isEmpty()) {
                try {
                    groups.recover(open, cause);
                } catch (StoreUnreachableException unreachable) {
                    failUnreachable(open, unreachable);
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops taking requests and waits up to {@code maxWait} for what is queued to be committed; false when the writer
     * is still busy then (a store that does not answer holds it until the socket timeout). It is not waited for any
     * longer: every caller of a request it still holds has been answered 503 or has given up, so nothing acknowledged
     * depends on it, and a transaction it never finishes is rolled back by the database.
     */
    public boolean close(Duration maxWait) {
        running = false;
        try {
            thread.join(Math.max(1, maxWait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
