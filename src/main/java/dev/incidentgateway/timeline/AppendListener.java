package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Extension point around the append transaction. {@link #inTransaction} runs inside it, on the writer
 * thread, before commit (outbox rows, correlation keys: they commit or roll back with the events);
 * {@link #afterCommit} runs once the events are durable (live streams, metrics) and must not block.
 */
public interface AppendListener {
    default void inTransaction(Connection connection, List<TimelineEvent> events) throws SQLException {
    }

    default void afterCommit(List<TimelineEvent> events) {
    }
}
