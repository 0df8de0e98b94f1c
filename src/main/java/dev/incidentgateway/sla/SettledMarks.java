package dev.incidentgateway.sla;

import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.UnnestRows;
import dev.incidentgateway.store.UnnestRows.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a page of the SLA tracker's settled marks ({@code sla_settled}) in the caller's transaction: inserts the marks
 * of incidents that had no settled row when read and updates the others (and those whose insert found a row after all:
 * another tracker's, inserted meanwhile). The same outcome as an update tried first for every mark, without an update
 * that misses for each new incident (issue 13: half the cost of settling a page of them).
 */
final class SettledMarks {
    /**
     * PostgreSQL: the page's new marks in one statement (arrays, so one SQL text for any page size). Issue 13: one
     * {@code INSERT … WHERE NOT EXISTS} per new incident was the second largest statement cost of webhook ingest on
     * PostgreSQL (a statement's execution for every declared incident, on top of the writer's group inserts).
     */
    private static final UnnestRows<NewMark> NEW_MARK_ARRAYS = new UnnestRows<>(List.of(
            new Column<>("text", n -> n.mark().incidentId()), new Column<>("bigint", n -> Long.toString(n.mark().lastSeq())),
            new Column<>("timestamptz", n -> n.settledAt().toString()),
            new Column<>("timestamptz", n -> n.mark().recheckAt() == null ? null : recheck(n.mark()).toString()),
            new Column<>("text", n -> n.mark().policy())));
    private static final String INSERT_NEW_PG = "INSERT INTO sla_settled (incident_id, last_seq, settled_at, recheck_at, policy) "
            + NEW_MARK_ARRAYS.select() + " ON CONFLICT (incident_id) DO NOTHING RETURNING incident_id";

    /** A new mark with the moment its page was settled (a column of its own in the arrays). */
    private record NewMark(SlaIncidents.Mark mark, OffsetDateTime settledAt) {
    }

    /** H2: one batched statement a mark; a batch count of 0 is a row that was there already. */
    private static final String INSERT_ONE = "INSERT INTO sla_settled (incident_id, last_seq, settled_at, recheck_at, policy) "
            + "SELECT ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) WHERE NOT EXISTS (SELECT 1 FROM sla_settled WHERE incident_id = ?)";
    private static final String UPDATE = "UPDATE sla_settled SET last_seq = ?, settled_at = ?, recheck_at = ?, policy = ? "
            + "WHERE incident_id = ? AND last_seq <= ?";

    private SettledMarks() {
    }

    static void write(Connection c, SqlDialect dialect, List<SlaIncidents.Mark> marks, OffsetDateTime at) throws SQLException {
        List<SlaIncidents.Mark> updates = new ArrayList<>();
        List<SlaIncidents.Mark> inserts = new ArrayList<>();
        for (SlaIncidents.Mark m : marks) {
            (m.marked() ? updates : inserts).add(m);
        }
        if (!inserts.isEmpty()) {
            updates.addAll(dialect == SqlDialect.POSTGRESQL ? insertAllPg(c, inserts, at) : insertEach(c, inserts, at));
        }
        if (!updates.isEmpty()) {
            update(c, updates, at);
        }
    }

    /** Inserts the marks; returns those that found a row (they become updates). */
    private static List<SlaIncidents.Mark> insertEach(Connection c, List<SlaIncidents.Mark> inserts, OffsetDateTime at) throws SQLException {
        List<SlaIncidents.Mark> found = new ArrayList<>();
        try (PreparedStatement ins = c.prepareStatement(INSERT_ONE)) {
            for (SlaIncidents.Mark m : inserts) {
                ins.setString(1, m.incidentId());
                ins.setLong(2, m.lastSeq());
                ins.setObject(3, at);
                ins.setObject(4, recheck(m), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                ins.setString(5, m.policy());
                ins.setString(6, m.incidentId());
                ins.addBatch();
            }
            int[] inserted = ins.executeBatch();
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i] == 0) {
                    found.add(inserts.get(i));
                }
            }
        }
        return found;
    }

    /**
     * As {@link #insertEach}, in one statement. A second mark of one incident in the page counts as "found a row" (as
     * on H2, where the first one's insert is there when the second runs).
     */
    private static List<SlaIncidents.Mark> insertAllPg(Connection c, List<SlaIncidents.Mark> inserts, OffsetDateTime at) throws SQLException {
        Map<String, SlaIncidents.Mark> first = new LinkedHashMap<>();
        List<SlaIncidents.Mark> found = new ArrayList<>();
        for (SlaIncidents.Mark m : inserts) {
            if (first.putIfAbsent(m.incidentId(), m) != null) {
                found.add(m);
            }
        }
        List<SlaIncidents.Mark> rows = List.copyOf(first.values());
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ins = c.prepareStatement(INSERT_NEW_PG)) {
            NEW_MARK_ARRAYS.bind(c, ins, rows.stream().map(m -> new NewMark(m, at)).toList());
            try (ResultSet rs = ins.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        rows.stream().filter(m -> !inserted.contains(m.incidentId())).forEach(found::add);
        return found;
    }

    private static void update(Connection c, List<SlaIncidents.Mark> updates, OffsetDateTime at) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPDATE)) {
            for (SlaIncidents.Mark m : updates) {
                up.setLong(1, m.lastSeq());
                up.setObject(2, at);
                up.setObject(3, recheck(m), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                up.setString(4, m.policy());
                up.setString(5, m.incidentId());
                up.setLong(6, m.lastSeq());
                up.addBatch();
            }
            up.executeBatch(); // a miss: another tracker moved the row past this mark's last_seq, its row stands
        }
    }

    private static OffsetDateTime recheck(SlaIncidents.Mark m) {
        return m.recheckAt() == null ? null
                : OffsetDateTime.ofInstant(m.recheckAt().isAfter(SlaIncidents.FOREVER) ? SlaIncidents.FOREVER : m.recheckAt(), ZoneOffset.UTC);
    }
}
