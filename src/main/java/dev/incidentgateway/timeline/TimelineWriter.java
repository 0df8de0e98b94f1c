package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.store.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The single writer of the timeline, with group commit: requests queue up, and one thread commits all
 * that are waiting in one transaction (up to {@code maxBatch}), so 32 concurrent callers cost about one
 * commit, not 32. Each request stays all-or-nothing; a refused request does not affect the others.
 *
 * <p><b>Why the {@code Since} feed never skips an event.</b> A reader pages with {@code id > lastSeen}.
 * That is only safe if no event with a smaller id can commit after a reader saw a larger one. Ids are
 * assigned here, inside the transaction, after taking the append lock (one writer thread per process;
 * on PostgreSQL also {@code pg_advisory_xact_lock}, shared by every instance), and are always above the
 * largest id already stored. So transactions commit in id order: every id in a committed transaction is
 * larger than every id of all transactions committed before it, and a transaction's rows become visible
 * together at commit. A reader that has seen id X will therefore only ever find new events above X.
 */
public final class TimelineWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineWriter.class);
    /** Longest wait for the callers of the last group to come back (see {@link #gatherLateArrivals}). */
    static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private record Request(List<NewEvent> events, boolean bestEffort, SourceProgress progress, boolean callerWaits,
                           CompletableFuture<List<AppendOutcome>> result) {
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String typePrefix;
    private final int maxBatch;
    private final List<AppendListener> listeners;
    private final Correlator correlator;
    private final ChainKey chainKey;
    private final BlockingQueue<Request> queue;
    private final WriterMemory memory = new WriterMemory();
    private final Thread thread;
    private volatile boolean running = true;
    /** Requests in the last group: how many callers are probably coming back (writer thread only). */
    private int lastGroupSize;
    /** Whether every request of the last group had a thread blocked on it (writer thread only). */
    private boolean lastGroupWaited;

    public TimelineWriter(DataSource dataSource, SqlDialect dialect, String typePrefix, int maxBatch, int queueCapacity,
                          Correlator correlator, ChainKey chainKey, List<AppendListener> listeners) {
        this.dataSource = dataSource;
        this.chainKey = chainKey;
        this.correlator = correlator;
        this.dialect = dialect;
        this.typePrefix = typePrefix;
        this.maxBatch = maxBatch;
        this.listeners = List.copyOf(listeners);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "timeline-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues one all-or-nothing request; the future completes once it is committed (or refused). */
    public CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events) {
        return submit(events, false, null);
    }

    /**
     * @param bestEffort each event on its own (refusals reported, not thrown) instead of all-or-nothing
     * @param progress   a polling source's watermark to commit with the events, or {@code null}
     */
    public CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events, boolean bestEffort, SourceProgress progress) {
        return submit(events, bestEffort, progress, false);
    }

    /** @param callerWaits a thread blocks until the future completes (it comes back at once; see {@link #gatherLateArrivals}) */
    CompletableFuture<List<AppendOutcome>> submit(List<NewEvent> events, boolean bestEffort, SourceProgress progress, boolean callerWaits) {
        CompletableFuture<List<AppendOutcome>> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new StoreUnavailableException("the timeline writer is stopped", null));
        } else if (!queue.offer(new Request(List.copyOf(events), bestEffort, progress, callerWaits, result))) {
            result.completeExceptionally(new StoreUnavailableException("too many appends waiting; retry shortly", null));
        }
        return result;
    }

    private void run() {
        List<Request> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                long ready = System.nanoTime();
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (lastGroupWaited) {
                    gatherLateArrivals(batch, ready + GATHER_NANOS);
                }
                lastGroupSize = batch.size();
                lastGroupWaited = batch.stream().allMatch(Request::callerWaits);
                // A caller that gave up (append timeout) cancelled its future: drop it unwritten, so a hung
                // store does not leave a backlog of work nobody waits for, and that request is really not stored.
                batch.removeIf(r -> r.result().isDone());
                if (!batch.isEmpty()) {
                    commitGroup(batch);
                }
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
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new StoreUnavailableException("the timeline writer is stopped", null));
        }
    }

    /**
     * Waits briefly for the rest of the callers the last group answered, when each of them was a thread blocked on its
     * append ({@code callerWaits}: {@link TimelineStore#appendAll} and the like). Such callers come back one by one
     * within microseconds of a commit, while the writer would start the next group at once with those already back:
     * groups of 23–29 of 32 such callers (bench/README.md, Append), each paying the whole per-commit cost (H2 rewrites every index page the group touches; PostgreSQL a
     * lock round trip and an fsync). The wait ends as soon as as many requests as the last group had are here, and at
     * {@code deadline} ({@link #GATHER_NANOS} after the writer became free) at the latest: a request that comes after an
     * idle moment goes at once, a lone caller (last group of one) never waits, and when fewer callers come back the
     * expectation falls with the next group. The writer sleeps meanwhile, leaving the CPU to the callers.
     * Asynchronous requests (webhooks: answered when their group commits) come back only after an HTTP round trip, and
     * waiting for them cost webhook ingest on H2 ≈ 11 % (quiet A/B, bench/README.md "Webhook ingest"), so a group with
     * any of them does not wait.
     */
    private void gatherLateArrivals(List<Request> batch, long deadline) throws InterruptedException {
        int expected = Math.min(maxBatch, lastGroupSize);
        while (batch.size() < expected) {
            long left = deadline - System.nanoTime();
            Request next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void commitGroup(List<Request> batch) {
        try {
            try {
                commit(batch);
            } catch (StaleHeadException otherWriter) {
                // Staged on this writer's last head, but another instance appended since (nothing was written, and the
                // memory is forgotten): the same requests again, staged under the lock this time.
                LOG.debug("Append group of {} staged on a stale head ({}); staging it again", batch.size(), otherWriter.getMessage());
                commit(batch);
            }
        } catch (SQLException e) {
            if (batch.size() == 1 || StoreFailures.isStoreWide(e)) {
                // The store itself failed (connection lost, timed out, cancelled): every request of the group
                // fails now, instead of each retried alone and each waiting the pool's connection timeout.
                LOG.warn("Append group of {} failed in the store (SQLState {}): {}", batch.size(), e.getSQLState(), e.getMessage());
                StoreUnavailableException failure = StoreFailures.isStoreWide(e)
                        ? new AppendOutcomeUnknownException("the store failed during the append", e)
                        : new StoreUnavailableException("the store refused the append", e);
                batch.forEach(r -> r.result().completeExceptionally(failure));
                return;
            }
            // One bad request must not fail its neighbours: retry each alone to find it.
            LOG.debug("Group of {} failed ({}); retrying one by one", batch.size(), e.getMessage());
            for (Request r : batch) {
                if (!r.result().isDone()) {
                    commitGroup(List.of(r));
                }
            }
        }
    }

    private void commit(List<Request> batch) throws SQLException {
        List<Object> outcomes = new ArrayList<>(batch.size());
        List<TimelineEvent> written;
        try (Connection c = dataSource.getConnection()) {
            try {
                AppendTransaction tx = new AppendTransaction(c, dialect, memory, typePrefix, correlator, chainKey);
                tx.prefetch(batch.stream().map(Request::events).toList());
                for (Request r : batch) {
                    try {
                        outcomes.add(r.bestEffort() ? tx.applyEach(r.events()) : tx.apply(r.events()));
                        if (r.progress() != null) {
                            tx.recordProgress(r.progress());
                        }
                    } catch (AppendRejectedException refused) {
                        outcomes.add(refused);
                    }
                }
                written = tx.flush();
                for (AppendListener l : listeners) {
                    l.inTransaction(c, written, tx.views());
                }
                c.commit();
                memory.committed(tx.changedViews(), written, tx.headAfter());
            } catch (SQLException | RuntimeException e) {
                memory.forget();
                c.rollback();
                throw e;
            }
        }
        // Listeners first (they must not block): a caller answered for its append then already finds it in /metrics
        // and on the live stream.
        try {
            for (AppendListener l : listeners) {
                try {
                    l.afterCommit(written);
                } catch (RuntimeException e) {
                    LOG.warn("After-commit listener {} failed", l.getClass().getSimpleName(), e);
                }
            }
        } finally {
            complete(batch, outcomes);
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(List<Request> batch, List<Object> outcomes) {
        for (int i = 0; i < batch.size(); i++) {
            Object o = outcomes.get(i);
            if (o instanceof Throwable t) {
                batch.get(i).result().completeExceptionally(t);
            } else {
                batch.get(i).result().complete((List<AppendOutcome>) o);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
