package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.store.SqlLists;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks the tables the gateway derives from the log besides the views, for one page of incidents, against what their
 * logs say ({@link LoggedBindings}): a row a database writer added or changed there suppressed alerts while verify said
 * OK (a correlation key bound to an incident absorbs that alert's firings; a settled mark stops its SLA notes).
 * <ul>
 *   <li>{@code correlation_keys}: each row's key is the one its incident's declare bound, and the incident is open; an
 *   open incident's key missing there is reported unless another incident holds or held it (a reopen leaves a key with
 *   the incident that took it meanwhile).</li>
 *   <li>{@code released_correlation_keys}: the incident's declare bound that key and a resolve or close released it.</li>
 *   <li>{@code sla_settled}: the incident exists, the mark's seq is one of its events, and a mark for good (no recheck
 *   moment) is at an event after which the incident was resolved or closed.</li>
 *   <li>{@code external_refs}: the row of the ticket a poller's declare came from ({@code data.externalRef}) is that
 *   ticket, and that declare was made by that connector's poller (a link from any other principal was planted: written
 *   before the store refused it, or by the database); other rows (tickets a sink made) have no event and are only
 *   checked to belong to an incident.</li>
 *   <li>{@code outbox} ({@link #outbox}): each row's event exists, of that incident, at that seq.</li>
 * </ul>
 * Declares from before they recorded their key ({@link EventRules#CORRELATION_KEY}) leave that incident's correlation rows
 * unchecked. Rows are streamed; only the page's {@link LoggedBindings} are held.
 */
final class DerivedTablesCheck {
    /** Where a finding goes: the incident, a seq of its log (0: none in particular) and what is wrong. */
    interface Findings {
        void add(String incidentId, long seq, String reason);
    }

    private final Connection c;
    private final Map<String, LoggedBindings> logged;
    private final Set<String> unchecked;
    private final Findings found;

    /**
     * @param logged    the page's incidents whose chain and view hold, by id
     * @param unchecked the page's incidents with events whose chain or view is broken (already reported): not checked
     */
    DerivedTablesCheck(Connection c, Map<String, LoggedBindings> logged, Set<String> unchecked, Findings found) {
        this.c = c;
        this.logged = logged;
        this.unchecked = unchecked;
        this.found = found;
    }

    /** Checks the rows whose {@code incident_id} {@code where} selects ({@code ""}: all), with its parameters. */
    void check(String where, String[] params) throws SQLException {
        Set<String> holding = new HashSet<>();
        query("SELECT correlation_key, incident_id FROM correlation_keys" + where, params, rs -> {
            String key = rs.getString(1);
            LoggedBindings log = known(rs.getString(2), "correlation_keys binds key " + quoted(key) + " to it");
            if (log == null || !log.keyRecorded()) {
                return;
            }
            if (!key.equals(log.key())) {
                found.add(log.incidentId, 1, "correlation_keys binds key " + quoted(key) + " to it, but its declare bound "
                        + (log.key() == null ? "no key" : quoted(log.key())) + ABSORBED);
            } else if (!log.open()) {
                found.add(log.incidentId, log.lastSeq(), "correlation_keys binds key " + quoted(key) + " to it, but its log "
                        + "gives it resolved or closed, and a resolve or close releases its keys" + ABSORBED);
            } else {
                holding.add(log.incidentId);
            }
        });
        query("SELECT correlation_key, incident_id FROM released_correlation_keys" + where, params, rs -> {
            String key = rs.getString(1);
            LoggedBindings log = known(rs.getString(2), "released_correlation_keys holds key " + quoted(key) + " for it");
            if (log != null && log.keyRecorded() && (!key.equals(log.key()) || !log.everReleased())) {
                found.add(log.incidentId, 1, "released_correlation_keys holds key " + quoted(key) + " for it, but "
                        + (key.equals(log.key()) ? "its log has no resolve or close that released it"
                        : "its declare bound " + (log.key() == null ? "no key" : quoted(log.key())))
                        + " (a reopen would take that alert's firings)");
            }
        });
        missingKeys(holding);
        query("SELECT incident_id, last_seq, recheck_at FROM sla_settled" + where, params, rs -> {
            long seq = rs.getLong(2);
            LoggedBindings log = known(rs.getString(1), "sla_settled marks it settled at seq " + seq);
            if (log == null) {
                return;
            }
            if (seq < 1 || seq > log.lastSeq()) {
                found.add(log.incidentId, seq, "sla_settled marks it settled at seq " + seq + ", but its log ends at seq "
                        + log.lastSeq() + SLA_SUPPRESSED);
            } else if (rs.getObject(3) == null && !log.stoppedAt(seq)) {
                found.add(log.incidentId, seq, "sla_settled marks it settled for good at seq " + seq + ", but its log gives "
                        + "it open after that event" + SLA_SUPPRESSED);
            }
        });
        query("SELECT incident_id, connector, external_id, external_key, channel, url FROM external_refs" + where, params, rs -> {
            String connector = rs.getString(2);
            LoggedBindings log = known(rs.getString(1), "external_refs holds a " + quoted(connector) + " ticket for it");
            JsonNode ref = log == null ? null : log.externalRef();
            if (ref == null || !connector.equals(ref.get("connector").asText())) {
                return; // a ticket a sink made: no event records it
            }
            if (!ExternalRefProvenance.byItsPoller(log.declarePrincipal(), ref)) {
                String ticket = rs.getString(4) != null ? rs.getString(4) : rs.getString(3);
                found.add(log.incidentId, 1, "external_refs links it to " + quoted(connector) + " ticket " + quoted(ticket)
                        + " from its declare's data.externalRef, but that declare was made by " + quoted(log.declarePrincipal())
                        + ", not the connector's poller " + quoted(Principal.poller(connector).name())
                        + " (the gateway would write into a ticket the caller chose)");
                return;
            }
            String[] columns = {"external_id", "external_key", "channel", "url"};
            String[] fields = {"externalId", "externalKey", "channel", "url"};
            for (int i = 0; i < columns.length; i++) {
                String fromLog = ref.hasNonNull(fields[i]) ? ref.get(fields[i]).asText() : null;
                if (!Objects.equals(rs.getString(3 + i), fromLog)) {
                    found.add(log.incidentId, 1, "external_refs " + columns[i] + " of its " + quoted(connector) + " ticket is "
                            + quoted(rs.getString(3 + i)) + ", its declare's data.externalRef gives " + quoted(fromLog));
                }
            }
        });
    }

    /**
     * Outbox rows whose event is not in the log, or not of the row's incident and seq ({@code where} on {@code incident_id}
     * selects the rows). Run once for the whole table: one anti-join, not one per page.
     */
    static void outbox(Connection c, String where, String[] params, Findings found) throws SQLException {
        query(c, "SELECT o.incident_id, o.event_seq, o.event_id, o.connector, o.status, e.incident_id, e.seq FROM (SELECT id, "
                + "incident_id, event_seq, event_id, connector, status FROM outbox" + where + ") o LEFT JOIN timeline_events e "
                + "ON e.id = o.event_id WHERE e.id IS NULL OR e.incident_id <> o.incident_id OR e.seq <> o.event_seq ORDER BY o.id",
                params, rs -> {
                    String row = "outbox row of " + quoted(rs.getString(4)) + " (status " + quoted(rs.getString(5)) + ") for event "
                            + rs.getString(3).trim();
                    found.add(rs.getString(1), rs.getLong(2), rs.getString(6) == null ? row + ", which is not in the log"
                            : row + ", which the log has as " + rs.getString(6) + " seq " + rs.getLong(7));
                });
    }

    private static final String ABSORBED = " (not written by the gateway: that alert's firings would be absorbed into this "
            + "incident instead of declaring one)";
    private static final String SLA_SUPPRESSED = " (not written by the gateway: SLA warning and breach notes would be suppressed)";

    /**
     * The open incidents whose declare bound a key that {@code correlation_keys} does not give them (one statement for the
     * page). Reported unless another incident had it when this one was last reopened (a reopen leaves the key there): one
     * that holds it now, or one declared between this one's declare and its last reopen that released it since.
     */
    private void missingKeys(Set<String> holding) throws SQLException {
        Map<String, LoggedBindings> missing = new LinkedHashMap<>();
        for (LoggedBindings log : logged.values()) {
            if (log.keyRecorded() && log.key() != null && log.open() && !holding.contains(log.incidentId)) {
                missing.put(log.key(), log);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> keys = SqlLists.padded(new ArrayList<>(missing.keySet()));
        String in = " WHERE correlation_key IN (" + SqlLists.marks(keys.size()) + ")";
        List<String> params = new ArrayList<>(keys);
        params.addAll(keys);
        Set<String> elsewhere = new HashSet<>();
        query("SELECT r.correlation_key, r.incident_id, r.held, e.id FROM (SELECT correlation_key, incident_id, 1 AS held FROM "
                + "correlation_keys" + in + " UNION ALL SELECT correlation_key, incident_id, 0 AS held FROM released_correlation_keys"
                + in + ") r LEFT JOIN timeline_events e ON e.incident_id = r.incident_id AND e.seq = 1", params.toArray(String[]::new), rs -> {
                    LoggedBindings log = missing.get(rs.getString(1));
                    String otherDeclare = rs.getString(4) == null ? null : rs.getString(4).trim();
                    boolean tookItMeanwhile = rs.getInt(3) == 1 || otherDeclare != null && log.reopenId() != null
                            && otherDeclare.compareTo(log.declareId()) > 0 && otherDeclare.compareTo(log.reopenId()) < 0;
                    if (!rs.getString(2).equals(log.incidentId) && tookItMeanwhile) {
                        elsewhere.add(rs.getString(1));
                    }
                });
        missing.forEach((key, log) -> {
            if (!elsewhere.contains(key)) {
                found.add(log.incidentId, 1, "its declare bound key " + quoted(key) + " and it is open, but correlation_keys "
                        + "has no row for it (deleted: that alert's next firing declares a duplicate incident)");
            }
        });
    }

    /** The incident's log facts; {@code null} (reported when it has no events) when there are none to check against. */
    private LoggedBindings known(String incidentId, String what) {
        LoggedBindings log = logged.get(incidentId);
        if (log == null && !unchecked.contains(incidentId)) {
            found.add(incidentId, 0, what + ", but the log has no event of this incident (not written by the gateway)");
        }
        return log;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, String[] params, RowReader reader) throws SQLException {
        query(c, sql, params, reader);
    }

    private static void query(Connection c, String sql, String[] params, RowReader reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    private static String quoted(String value) {
        if (value == null) {
            return "none (NULL)";
        }
        return "'" + (value.length() > 120 ? value.substring(0, 120) + "…" : value) + "'";
    }
}
