package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * A page of {@link TimelineStore#timeline} or {@link TimelineStore#since} read one event at a time, for a reader that
 * stops early (the API's pages stop at a byte budget). Reading the page as a list first held every row at once: a
 * thousand 1 MB notes were a gigabyte in the driver and in the list before the answer was even written, and an
 * OutOfMemoryError under {@code -Xmx512m} (issue: page byte cap). Here PostgreSQL's driver holds {@value #FETCH} rows
 * at a time (it streams only inside a transaction with a fetch size); H2 keeps its large {@code TEXT} values out of the
 * result until read. The connection is held only while the page is read.
 */
public final class StreamedEvents {
    /** Rows PostgreSQL sends per round trip: a few round trips for a page of small events, a bounded few MB of large ones. */
    static final int FETCH = 32;

    private final TimelineStore store;

    StreamedEvents(TimelineStore store) {
        this.store = store;
    }

    /** The events of {@link TimelineStore#timeline}, each given to {@code taker} until it returns false. */
    public void timeline(String incidentId, String afterId, int limit, Predicate<TimelineEvent> taker) {
        read(TimelineStore.timelineSql(afterId, limit), TimelineStore.timelineParams(incidentId, afterId), taker);
    }

    /** The events of {@link TimelineStore#since}, each given to {@code taker} until it returns false. */
    public void since(String afterId, int limit, Predicate<TimelineEvent> taker) {
        read(TimelineStore.sinceSql(afterId, limit), TimelineStore.sinceParams(afterId), taker);
    }

    /** What a capped reader keeps of an event (null: passes it over, costing no bytes) and how many bytes that is. */
    public interface Sized<T> {
        T keep(TimelineEvent event);

        long bytes(T kept);
    }

    /**
     * The events of {@link TimelineStore#since}, read one at a time and closed at {@code maxBytes} of what the reader
     * keeps ({@link PageBudget}: at least one event). For readers that hold a whole page in memory before they pass it on
     * (the live stream's replay and tail, {@code timeline:events}): a page of {@code limit} large events was hundreds of MB.
     * The reader goes on after {@link CappedPage#lastId()}: nothing is skipped or read twice.
     */
    public <T> CappedPage<T> since(String afterId, int limit, long maxBytes, Sized<T> sized) {
        PageBudget budget = new PageBudget(maxBytes);
        java.util.List<T> kept = new java.util.ArrayList<>();
        String[] last = {null};
        int[] read = {0};
        since(afterId, limit, e -> {
            T item = sized.keep(e);
            if (item != null) {
                if (!budget.take(sized.bytes(item))) {
                    return false;
                }
                kept.add(item);
            }
            last[0] = e.id();
            read[0]++;
            return true;
        });
        return new CappedPage<>(kept, read[0], last[0], budget.cut());
    }

    private void read(String sql, String[] params, Predicate<TimelineEvent> taker) {
        store.refuseWhileDown();
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH);
                for (int i = 0; i < params.length; i++) {
                    ps.setString(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    boolean more = true;
                    while (more && rs.next()) {
                        more = taker.test(TimelineRows.readEvent(rs));
                    }
                }
            } finally {
                c.rollback(); // a read: nothing to keep; the pool gets the connection back with no transaction open
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not answer a query", e);
        }
    }
}
