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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The transactions of the {@link TimelineWriter}: the plain path (one transaction on the writer thread that takes the
 * append lock first, with the failure handling: a group refused by the store retried one request at a time, a store-wide
 * failure failing the group at once), the committer thread that writes and commits pipelined groups, and the recovery of
 * a pipelined group that did not commit.
 */
final class GroupCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final WriterMemory memory;
    private final String typePrefix;
    private final Correlator correlator;
    private final ChainKey chainKey;
    private final List<AppendListener> listeners;
    private final GroupMeters meters;
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "timeline-committer");
        t.setDaemon(true);
        return t;
    });

    GroupCommitter(DataSource dataSource, SqlDialect dialect, WriterMemory memory, String typePrefix, Correlator correlator,
                   ChainKey chainKey, List<AppendListener> listeners, GroupMeters meters) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.memory = memory;
        this.typePrefix = typePrefix;
        this.correlator = correlator;
        this.chainKey = chainKey;
        this.listeners = List.copyOf(listeners);
        this.meters = meters;
    }

    /** A connection for a pipelined group's lookups (auto-commit: each reads what is committed at that moment). */
    Connection readConnection() {
        return connect();
    }

    /**
     * A connection of the pool, or {@link StoreUnreachableException} when it could give none within its connection
     * timeout: nothing was sent, and the writer fails the group and what is queued behind it at once rather than
     * trying again for each of them (on PostgreSQL refusing connections each try waited the whole timeout, 5 s).
     */
    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new StoreUnreachableException(e);
        }
    }

    /** A transaction staged on the head {@code inFlight} leaves, or (none) on the one the writer's last commit left. */
    AppendTransaction onKnownHead(Connection reads, AppendTransaction inFlight) {
        return AppendTransaction.onKnownHead(reads, dialect, memory, typePrefix, correlator, chainKey, inFlight);
    }

    /** Writes and commits the group on the committer thread; the future fails (cause unwrapped there) if it did not commit. */
    CompletableFuture<Void> commitAsync(StagedGroup group) {
        return CompletableFuture.runAsync(() -> commitOnOwnConnection(group), committer);
    }

    /** Committer thread. */
    private void commitOnOwnConnection(StagedGroup group) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            group.commit(c, memory, listeners, meters);
        } catch (SQLException e) {
            memory.forget();
            throw new CompletionException(e);
        }
    }

    /**
     * The requests of a pipelined group that did not commit (the memory is forgotten): staged again under the lock (stale
     * head), retried as a store refusal, or failed.
     */
    void recover(List<TimelineWriter.Request> open, Throwable cause) {
        if (cause instanceof StaleHeadException) {
            LOG.debug("Append group of {} was staged on a stale head ({}); staging it again", open.size(), cause.getMessage());
            commitPlain(open);
        } else if (cause instanceof SQLException sql) {
            onGroupFailure(open, sql);
        } else {
            LOG.error("Timeline writer failed a batch", cause);
            open.forEach(r -> r.result().completeExceptionally(new StoreUnavailableException("append failed", cause)));
        }
    }

    /**
     * The plain path: one transaction on this thread that takes the append lock first.
     *
     * @throws StoreUnreachableException no connection could be had; the requests not answered yet are left to the caller
     */
    void commitPlain(List<TimelineWriter.Request> batch) {
        try {
            commit(batch);
        } catch (SQLException e) {
            onGroupFailure(batch, e);
        }
    }

    private void onGroupFailure(List<TimelineWriter.Request> batch, SQLException e) {
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
        for (TimelineWriter.Request r : batch) {
            if (!r.result().isDone()) {
                commitPlain(List.of(r));
            }
        }
    }

    private void commit(List<TimelineWriter.Request> batch) throws SQLException {
        try (Connection c = connect()) {
            StagedGroup group;
            try {
                AppendTransaction tx = AppendTransaction.underLock(c, dialect, memory, typePrefix, correlator, chainKey);
                List<Object> outcomes = new ArrayList<>(batch.size());
                applyAll(tx, batch, outcomes);
                tx.seal();
                group = new StagedGroup(batch, outcomes, tx);
            } catch (SQLException | RuntimeException e) {
                memory.forget();
                c.rollback();
                throw e;
            }
            group.commit(c, memory, listeners, meters);
        }
    }

    /** Applies the requests in order, each all-or-nothing (or each event on its own: best effort). */
    static void applyAll(AppendTransaction tx, List<TimelineWriter.Request> requests, List<Object> outcomes) throws SQLException {
        if (requests.isEmpty()) {
            return;
        }
        tx.prefetch(requests.stream().map(TimelineWriter.Request::events).toList());
        for (TimelineWriter.Request r : requests) {
            try {
                outcomes.add(switch (r.mode()) {
                    case ALL_OR_NOTHING -> tx.apply(r.events());
                    case EACH_EVENT -> PartialRequests.eachEvent(tx, r.events());
                    case SENDER_BATCH -> PartialRequests.senderBatch(tx, r.events());
                });
                if (r.progress() != null) {
                    tx.recordProgress(r.progress());
                }
            } catch (AppendRejectedException refused) {
                outcomes.add(refused);
            }
        }
    }

    void shutdown() {
        committer.shutdown();
    }
}
