package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Extension point around the append transaction. {@link #inTransaction} runs inside it, on the thread that writes
 * the group (the writer's or its committer), before commit (outbox rows, correlation keys: they commit or roll back
 * with the events);
 * {@link #afterCommit} runs once the events are durable (live streams, metrics) and must not block.
 */
public interface AppendListener {
    /**
     * @param views       the incidents' views after these events (by incident id), e.g. for their severity
     * @param statusAfter the incident's status right after each event (by event id): with several events of one
     *                    incident in the transaction, {@code views} holds only the status after the last
     */
    default void inTransaction(Connection connection, List<TimelineEvent> events, Map<String, Incident> views,
                               Map<String, IncidentStatus> statusAfter) throws SQLException {
    }

    default void afterCommit(List<TimelineEvent> events) {
    }
}
