package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a database admin without the chain key can do to the log, for tests: on PostgreSQL as the superuser, who
 * switches the append-only triggers off first.
 */
final class AuditTampering {
    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;

    AuditTampering(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    void asAdmin(Work work) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean pg = dialect == SqlDialect.POSTGRESQL;
            if (pg) {
                s.execute("ALTER TABLE timeline_events DISABLE TRIGGER USER");
            }
            try {
                work.run(c);
            } finally {
                if (pg) {
                    s.execute("ALTER TABLE timeline_events ENABLE TRIGGER USER");
                }
            }
        }
    }

    /**
     * Changes the content of the event at {@code seq} (or leaves it when {@code content} is null) and recomputes the
     * incident's chain from there with the old unkeyed formula, fixing prev_hash and the view's head as it goes.
     *
     * @param clearGlobal also clear the rows' global hashes, so they pass for events from before the upgrade
     */
    void rewriteWithUnkeyedHashes(String incidentId, long seq, String content, boolean clearGlobal) throws SQLException {
        asAdmin(c -> {
            List<TimelineEvent> events = events(c, incidentId);
            String prev = seq == 1 ? EventHasher.GENESIS : events.get((int) seq - 2).hash();
            for (TimelineEvent e : events.subList((int) seq - 1, events.size())) {
                TimelineEvent changed = copy(e, e.seq() == seq && content != null ? content : e.content(), prev, null);
                String hash = EventHasher.legacyHash(prev, changed);
                try (PreparedStatement ps = c.prepareStatement("UPDATE timeline_events SET content = ?, prev_hash = ?, hash = ?"
                        + (clearGlobal ? ", global_hash = NULL" : "") + " WHERE id = ?")) {
                    ps.setString(1, changed.content());
                    ps.setString(2, prev);
                    ps.setString(3, hash);
                    ps.setString(4, e.id());
                    ps.executeUpdate();
                }
                prev = hash;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET last_hash = ? WHERE id = ?")) {
                ps.setString(1, prev);
                ps.setString(2, incidentId);
                ps.executeUpdate();
            }
        });
    }

    /** Deletes an incident without a trace in its own tables: events, view row, outbox rows, correlation. */
    void deleteIncident(String incidentId) throws SQLException {
        asAdmin(c -> {
            for (String table : List.of("timeline_events", "outbox", "correlation_keys")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE incident_id = ?")) {
                    ps.setString(1, incidentId);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM incidents WHERE id = ?")) {
                ps.setString(1, incidentId);
                ps.executeUpdate();
            }
        });
    }

    /** Deletes the {@code n} newest events (the views must then be rebuilt to match). */
    void deleteNewestEvents(int n) throws SQLException {
        asAdmin(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM timeline_events ORDER BY id DESC LIMIT " + n);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            for (String id : ids) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM timeline_events WHERE id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
        });
    }

    private static List<TimelineEvent> events(Connection c, String incidentId) throws SQLException {
        List<TimelineEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TimelineRows.EVENT_COLUMNS
                + " FROM timeline_events WHERE incident_id = ? ORDER BY seq")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(TimelineRows.readEvent(rs));
                }
            }
        }
        return out;
    }

    static TimelineEvent copy(TimelineEvent e, String content, String prevHash, String hash) {
        return new TimelineEvent(e.id(), e.incidentId(), e.seq(), e.type(), e.actor(), e.title(), content, e.eventTime(),
                e.recordedAt(), e.source(), e.ceId(), e.ceSource(), e.ceType(), e.data(), prevHash, hash, e.principal());
    }
}
