package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recomputes the {@code incidents} view from the log alone with {@link IncidentProjection}: the proof
 * that the view holds nothing the events do not, and the repair tool if it ever drifts.
 */
public final class ViewRebuilder {
    private final DataSource dataSource;
    private final SqlDialect dialect;

    public ViewRebuilder(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    /** The views the log implies, by incident id. */
    public Map<String, Incident> computeViews() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return computeViews(c);
        }
    }

    /** Replaces the whole view with the one computed from the log, in one transaction; returns the incident count. */
    public int rebuild() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (dialect.appendLockSql() != null) {
                    try (PreparedStatement lock = c.prepareStatement(dialect.appendLockSql())) {
                        lock.execute(); // no append may slip in between the read and the rewrite
                    }
                }
                Map<String, Incident> views = computeViews(c);
                keepAlertRepeats(c, views);
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM incidents")) {
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                    for (Incident i : views.values()) {
                        TimelineRows.bindIncident(insert, i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                IncidentStatusCounts.recount(c);
                c.commit();
                return views.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The repeat counter has no event to be rebuilt from: carry it over. */
    private static void keepAlertRepeats(Connection c, Map<String, Incident> views) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, alert_repeats FROM incidents WHERE alert_repeats > 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Incident view = views.get(rs.getString(1));
                if (view != null) {
                    views.put(view.id(), view.withAlertRepeats(rs.getLong(2)));
                }
            }
        }
    }

    private static Map<String, Incident> computeViews(Connection c) throws SQLException {
        Map<String, Incident> views = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events ORDER BY incident_id, seq")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TimelineEvent e = TimelineRows.readEvent(rs);
                    views.put(e.incidentId(), IncidentProjection.apply(views.get(e.incidentId()), e));
                }
            }
        }
        return views;
    }
}
