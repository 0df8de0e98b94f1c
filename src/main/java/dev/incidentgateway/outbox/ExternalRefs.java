package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Principal;
import dev.incidentgateway.timeline.IncidentStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code external_refs} table: each incident's ticket/thread per connector. */
public final class ExternalRefs {
    private final java.util.function.Supplier<DataSource> dataSource;

    public ExternalRefs(DataSource dataSource) {
        this(() -> dataSource);
    }

    /** For what is built before the store is opened (the pollers, by the start's checks): the store once it is open. */
    public ExternalRefs(java.util.function.Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    public ExternalRef find(String incidentId, String connector) throws SQLException {
        try (Connection c = dataSource.get().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT external_id, external_key, channel, url FROM external_refs WHERE incident_id = ? AND connector = ?")) {
            ps.setString(1, incidentId);
            ps.setString(2, connector);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ExternalRef(incidentId, connector, rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4)) : null;
            }
        }
    }

    /**
     * Every ticket/thread of one incident, by connector: one range read on the primary key (incident_id, connector),
     * so the incident view pays one indexed lookup whatever the number of connectors.
     */
    public List<ExternalRef> ofIncident(String incidentId) throws SQLException {
        List<ExternalRef> out = new ArrayList<>();
        try (Connection c = dataSource.get().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT connector, external_id, external_key, channel, url FROM external_refs WHERE incident_id = ? ORDER BY connector")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ExternalRef(incidentId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** The incident whose ticket at {@code connector} has this id (sys_id, Jira issue id), or {@code null}. */
    public String incidentFor(String connector, String externalId) throws SQLException {
        try (Connection c = dataSource.get().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT incident_id FROM external_refs WHERE connector = ? AND external_id = ?")) {
            ps.setString(1, connector);
            ps.setString(2, externalId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Whether the incident is resolved and {@code connector}'s tool knew it before the ticket's change at {@code changedAt}:
     * its last resolve came from that tool (principal {@code poller:<connector>}) at an event time before the change, or
     * was delivered there (its outbox row for the connector) before the change. A poller reads a ticket's state as it is
     * now, not the state it left; only then is an open ticket of a resolved incident one a person reopened there.
     * Without that evidence the ticket may not have heard of the resolve yet (delivery pending or failing, a connector
     * not sent resolves, or a page read just before the delivery was recorded), and its change is no reopen. A delivered
     * row purged after {@code GATEWAY_OUTBOX_RETENTION_DAYS} is no evidence either: such a late reopen is refused and
     * logged. The two clocks compared are the tool's (its change time) and the gateway's (delivery time): a reopen within
     * the clocks' skew of the delivery may be refused, never invented.
     *
     * @param changedAt the ticket's change time as the tool reports it; {@code null}: unknown, any evidence counts
     */
    public boolean resolvedAndKnownTo(String incidentId, String connector, Instant changedAt) throws SQLException {
        try (Connection c = dataSource.get().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT e.principal, e.event_time, o.status, o.delivered_at FROM incidents i "
                        + "JOIN timeline_events e ON e.incident_id = i.id "
                        + "LEFT JOIN outbox o ON o.connector = ? AND o.event_id = e.id "
                        + "WHERE i.id = ? AND i.status = ? AND e.type = ? ORDER BY e.seq DESC LIMIT 1")) {
            ps.setString(1, connector);
            ps.setString(2, incidentId);
            ps.setString(3, IncidentStatus.RESOLVED.wireName());
            ps.setString(4, dev.incidentgateway.timeline.EventType.RESOLVE.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                if (Principal.poller(connector).name().equals(rs.getString(1))) {
                    return before(rs.getObject(2, java.time.OffsetDateTime.class), changedAt);
                }
                return "delivered".equals(rs.getString(3)) && before(rs.getObject(4, java.time.OffsetDateTime.class), changedAt);
            }
        }
    }

    private static boolean before(java.time.OffsetDateTime known, Instant changedAt) {
        return changedAt == null || known != null && known.toInstant().isBefore(changedAt);
    }

    /** Inserts a ref; one that exists already (a redelivery after a crash) is kept as it is. */
    static void insert(Connection c, ExternalRef ref, Instant now) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM external_refs WHERE incident_id = ? AND connector = ?")) {
            exists.setString(1, ref.incidentId());
            exists.setString(2, ref.connector());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO external_refs (incident_id, connector, external_id, external_key, "
                + "channel, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ref.incidentId());
            ps.setString(2, ref.connector());
            ps.setString(3, ref.externalId());
            ps.setString(4, ref.externalKey());
            ps.setString(5, ref.channel());
            ps.setString(6, ref.url());
            ps.setObject(7, OutboxStore.utc(now));
            ps.executeUpdate();
        }
    }
}
