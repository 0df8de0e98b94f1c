package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps correlation keys (an alert fingerprint such as {@code alertmanager:3f2a…}) to the one open
 * incident they belong to. Called by the writer inside the append transaction, so a binding commits or
 * rolls back with the events that made it. The writer asks once per group transaction ({@link #openIncidents}) and
 * writes the group's binds and releases at its end ({@link #releaseAll}, then {@link #bindAll}); in between it keeps
 * the group's changes itself. Replace it for smarter correlation (grouping by service,
 * time windows, …) without touching the store.
 */
public interface Correlator {
    /** The open incident bound to {@code key}, or {@code null}. */
    String openIncident(Connection c, String key) throws SQLException;

    /** Binds {@code key} to {@code incidentId} (the key has no open incident). */
    void bind(Connection c, String key, String incidentId, Instant at) throws SQLException;

    /** Releases every key of an incident that reached resolved or closed: the next firing declares anew. */
    void release(Connection c, String incidentId) throws SQLException;

    /** The open incident of each key that has one (keys without one are absent); override with one statement. */
    default Map<String, String> openIncidents(Connection c, Collection<String> keys) throws SQLException {
        Map<String, String> open = new HashMap<>();
        for (String key : keys) {
            String incident = openIncident(c, key);
            if (incident != null) {
                open.put(key, incident);
            }
        }
        return open;
    }

    /** Binds each key to its incident (no key has an open incident); override with a batched statement. */
    default void bindAll(Connection c, Map<String, String> keyToIncident, Instant at) throws SQLException {
        for (Map.Entry<String, String> e : keyToIncident.entrySet()) {
            bind(c, e.getKey(), e.getValue(), at);
        }
    }

    /**
     * The keys each of these incidents holds or held until its release, for a reopen to bind again (incidents with none
     * are absent). Default: none, so a correlator that keeps no history of released keys binds nothing on a reopen.
     */
    default Map<String, Set<String>> keysHeld(Connection c, Collection<String> incidentIds) throws SQLException {
        return Map.of();
    }

    /**
     * Keeps keys that were bound and released within one group (so never in the store's open keys) for {@link #keysHeld}:
     * an alert that fired and cleared in one group is taken back by a reopen that comes after the group committed.
     * Default: nothing kept, as {@link #keysHeld} keeps nothing.
     */
    default void keepReleased(Connection c, Map<String, String> keyToIncident) throws SQLException {
    }

    /** Releases every key of each incident; override with a batched statement. */
    default void releaseAll(Connection c, Collection<String> incidentIds) throws SQLException {
        for (String id : incidentIds) {
            release(c, id);
        }
    }
}
