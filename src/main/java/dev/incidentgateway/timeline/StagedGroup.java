package dev.incidentgateway.timeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A group of append requests staged by the writer thread and sealed ({@link AppendTransaction#seal}): each request's
 * outcomes or refusal, in request order, and the transaction that writes them. {@link #commit} writes it, commits, and
 * only then answers the requests; on the pipelined path that runs on the committer thread while the writer stages the
 * next group.
 */
final class StagedGroup {
    private static final Logger LOG = LoggerFactory.getLogger(StagedGroup.class);

    final List<TimelineWriter.Request> requests;
    /** Per request: its {@code List<AppendOutcome>}, or the {@link AppendRejectedException} that refused it. */
    private final List<Object> outcomes;
    final AppendTransaction tx;

    StagedGroup(List<TimelineWriter.Request> requests, List<Object> outcomes, AppendTransaction tx) {
        this.requests = List.copyOf(requests);
        this.outcomes = List.copyOf(outcomes);
        this.tx = tx;
    }

    /**
     * Writes the group through {@code c} (auto-commit off), runs the listeners' in-transaction hooks, commits, counts the
     * group in {@code meters}, and answers the requests. On failure nothing is answered or counted, the transaction is
     * rolled back and the writer's memory forgotten: the caller decides what the requests get.
     */
    void commit(Connection c, WriterMemory memory, List<AppendListener> listeners, GroupMeters meters) throws SQLException {
        List<TimelineEvent> written;
        long start = System.nanoTime();
        long committedAt;
        try {
            written = tx.write(c);
            for (AppendListener l : listeners) {
                l.inTransaction(c, written, tx.views(), tx.statusAfter());
            }
            c.commit();
            committedAt = System.nanoTime();
            memory.committed(tx.changedViews(), tx.headAfter());
        } catch (SQLException | RuntimeException e) {
            memory.forget();
            c.rollback();
            throw e;
        }
        // The group meters and the listeners first (listeners must not block): a caller answered for its append then
        // already finds it in /metrics and on the live stream.
        try {
            meters.committed(requests.size(), committedAt - start);
            for (AppendListener l : listeners) {
                try {
                    l.afterCommit(written);
                } catch (RuntimeException e) {
                    LOG.warn("After-commit listener {} failed", l.getClass().getSimpleName(), e);
                }
            }
        } finally {
            answer();
        }
    }

    @SuppressWarnings("unchecked")
    private void answer() {
        for (int i = 0; i < requests.size(); i++) {
            Object o = outcomes.get(i);
            if (o instanceof Throwable t) {
                requests.get(i).result().completeExceptionally(t);
            } else {
                requests.get(i).result().complete((List<AppendOutcome>) o);
            }
        }
    }
}
