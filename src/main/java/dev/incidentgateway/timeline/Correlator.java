package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Maps correlation keys (an alert fingerprint such as {@code alertmanager:3f2a…}) to the one open
 * incident they belong to. Called by the writer inside the append transaction, so a binding commits or
 * rolls back with the events that made it. Replace it for smarter correlation (grouping by service,
 * time windows, …) without touching the store.
 */
public interface Correlator {
    /** The open incident bound to {@code key}, or {@code null}. */
    String openIncident(Connection c, String key) throws SQLException;

    /** Binds {@code key} to {@code incidentId} (the key has no open incident). */
    void bind(Connection c, String key, String incidentId, Instant at) throws SQLException;

    /** Releases every key of an incident that reached resolved or closed: the next firing declares anew. */
    void release(Connection c, String incidentId) throws SQLException;
}
