package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.UnnestRows;
import dev.incidentgateway.store.UnnestRows.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The writer's per-group row writes: a group's events and its changed incident views, each in one statement on
 * PostgreSQL ({@link UnnestRows}: one statement per group whatever its size, where a rewritten JDBC batch was one per
 * power of two in it, issue 13), and as JDBC batches on H2 (its batches run in the process, without a statement's
 * round trip). Same rows, same order, same conflict behaviour either way.
 */
final class GroupWrites {
    /** An event row as stored: the event, its {@code data} in canonical form and its global hash. */
    record EventRow(TimelineEvent event, String canonicalData, String globalHash) {
    }

    private static final UnnestRows<EventRow> EVENT_ARRAYS = new UnnestRows<>(List.of(
            text(r -> r.event().id()), text(r -> r.event().incidentId()), bigint(r -> r.event().seq()),
            text(r -> r.event().type().wireName()), text(r -> r.event().actor()), text(r -> r.event().title()),
            text(r -> r.event().content()), time(r -> r.event().eventTime()), time(r -> r.event().recordedAt()),
            text(r -> r.event().source()), text(r -> r.event().ceId()), text(r -> r.event().ceSource()),
            text(r -> r.event().ceType()), text(EventRow::canonicalData), text(r -> r.event().prevHash()),
            text(r -> r.event().hash()), text(r -> r.event().principal()), text(EventRow::globalHash)));
    private static final UnnestRows<Incident> INCIDENT_ARRAYS = new UnnestRows<>(List.of(
            text(Incident::id), text(Incident::title), text(i -> i.severity().wireName()), text(i -> i.status().wireName()),
            text(Incident::commander), time(Incident::declaredAt), time(Incident::acknowledgedAt), time(Incident::mitigatedAt),
            time(Incident::resolvedAt), time(Incident::closedAt), text(Incident::lastEventId), bigint(Incident::lastSeq),
            text(Incident::lastHash), bigint(Incident::alertRepeats)));
    static final String INSERT_EVENTS_PG = "INSERT INTO timeline_events (" + TimelineRows.EVENT_COLUMNS + ", global_hash) "
            + EVENT_ARRAYS.select();
    private static final String INSERT_INCIDENTS_PG = "INSERT INTO incidents (" + TimelineRows.INCIDENT_COLUMNS + ") "
            + INCIDENT_ARRAYS.select();
    static final String UPSERT_INCIDENTS_PG = INSERT_INCIDENTS_PG + " " + SqlDialect.Columns.INCIDENT_CONFLICT_UPDATE;
    /** The newest event's id, compared in the guarded statements of lockThenWrite ({@code char(26)} like the column). */
    private static final String HEAD_IS = "(SELECT id FROM timeline_events ORDER BY id DESC LIMIT 1) = CAST(? AS CHAR(26))";

    /**
     * How much each status's count moves: one {@code bigint} parameter per status, in {@link IncidentStatus} order, null
     * for a status the group does not move. A fixed list, not arrays: PostgreSQL estimated the arrays' generic plan dearer
     * than a plan for the actual deltas, so it planned the statement anew at every group (about 0.1 ms of server CPU per
     * group; bench/README.md, Append benchmark, session 45); a list of five rows gets the same estimate either way, and
     * the plan is kept.
     */
    private static final String STATUS_DELTAS = Arrays.stream(IncidentStatus.values())
            .map(status -> "('" + status.wireName() + "', CAST(? AS bigint))")
            .collect(Collectors.joining(", ", "VALUES ", ""));
    /** Correlation keys bound by the group, and their incidents (no element: none). */
    private static final UnnestRows<Map.Entry<String, String>> BINDS = new UnnestRows<>(List.of(
            text(Map.Entry::getKey), text(Map.Entry::getValue)));

    /** The head columns of views whose head alone moved ({@link ViewChanges}). */
    private static final UnnestRows<Incident> HEAD_ARRAYS = new UnnestRows<>(List.of(
            text(Incident::id), text(Incident::lastEventId), bigint(Incident::lastSeq), text(Incident::lastHash)));
    static final String UPDATE_HEADS_PG = "UPDATE incidents AS i SET last_event_id = h.e, last_seq = h.s, last_hash = h.h FROM ("
            + HEAD_ARRAYS.select() + ") AS h(id, e, s, h) WHERE i.id = h.id";
    static final String UPDATE_HEAD = "UPDATE incidents SET last_event_id = ?, last_seq = ?, last_hash = ? WHERE id = ?";

    /**
     * The lock, then the group's rows, each statement after the events insert guarded by "the group's last event is now
     * the head", so a stale head writes nothing at all. Index bits: 1 whole views to upsert, 2 views whose head alone
     * moved, 4 the status counts, 8 the correlation keys (a group of notes to stored incidents sends only the heads).
     */
    private static final String[] LOCK_THEN_WRITE_PG = new String[16];

    static {
        String events = SqlDialect.POSTGRESQL.appendLockSql() + "; " + INSERT_EVENTS_PG + " WHERE " + HEAD_IS;
        String whole = "; " + INSERT_INCIDENTS_PG + " WHERE " + HEAD_IS + " " + SqlDialect.Columns.INCIDENT_CONFLICT_UPDATE;
        String heads = "; " + UPDATE_HEADS_PG + " AND " + HEAD_IS;
        String counts = "; UPDATE incident_status_counts c SET incidents = c.incidents + d.n FROM (" + STATUS_DELTAS
                + ") AS d(status, n) WHERE c.status = d.status AND d.n IS NOT NULL AND " + HEAD_IS;
        String binds = "; INSERT INTO correlation_keys (correlation_key, incident_id, bound_at) SELECT b.k, b.i, "
                + "CAST(? AS timestamptz) FROM (" + BINDS.select() + ") AS b(k, i) WHERE " + HEAD_IS;
        for (int i = 0; i < LOCK_THEN_WRITE_PG.length; i++) {
            LOCK_THEN_WRITE_PG[i] = events + ((i & 1) != 0 ? whole : "") + ((i & 2) != 0 ? heads : "")
                    + ((i & 4) != 0 ? counts : "") + ((i & 8) != 0 ? binds : "");
        }
    }

    private GroupWrites() {
    }

    /**
     * PostgreSQL, for a group staged on the head {@code expected} without the append lock: takes the lock and, in the same
     * round trip, writes the events (if the store's head under the lock is still {@code expected}), then, if the group's
     * last event is now the head, the views, the status counts' changes and the correlation keys {@code binds} binds.
     * Up to five statements, one round trip: the lock + head read was one of its own before the writes, and the counts and
     * the keys one each after them (issue 13: on a busy 2-core machine each round trip of the committer cost ≈ 0.9 ms of
     * a 5.5 ms group cycle; bench/README.md "Webhook ingest", session 23). Groups the arrays do not take
     * ({@link #inOneUnnest}) only take the lock and check the head here, and are written by the caller.
     *
     * @param binds the group's new correlation keys to write here ({@code null}: the caller writes them)
     * @return whether the rows, views, counts and binds were written (else the caller writes them, under the lock now held)
     * @throws StaleHeadException when the head is another: nothing was written
     */
    static boolean lockThenWrite(Connection connection, SqlDialect dialect, GlobalChain.Head expected, List<EventRow> rows,
                                 ViewChanges views, Map<IncidentStatus, Long> statusDelta, Map<String, String> binds,
                                 Instant now) throws SQLException {
        if (expected == null || !inOneUnnest(dialect, rows, 1) || views.isEmpty()
                || !inOneUnnest(dialect, views.whole(), 0) || !inOneUnnest(dialect, views.headOnly(), 0)) {
            if (!Objects.equals(GlobalChain.lockThenReadHead(connection, dialect), expected)) {
                throw new StaleHeadException(expected);
            }
            return false;
        }
        String last = rows.get(rows.size() - 1).event().id();
        List<Map.Entry<String, String>> bound = binds == null ? List.of() : List.copyOf(binds.entrySet());
        // The rows each statement after the lock must change, in statement order: the events, then those the group has of
        // the whole views, the views' heads, the status counts and the correlation keys.
        List<Integer> expectedCounts = new ArrayList<>(List.of(rows.size()));
        List<Integer> counts = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(LOCK_THEN_WRITE_PG[variant(views, statusDelta, bound)])) {
            int p = EVENT_ARRAYS.bind(connection, ps, rows, 1);
            ps.setString(p++, expected.lastEventId());
            if (!views.whole().isEmpty()) {
                p = INCIDENT_ARRAYS.bind(connection, ps, views.whole(), p);
                ps.setString(p++, last);
                expectedCounts.add(views.whole().size());
            }
            if (!views.headOnly().isEmpty()) {
                p = HEAD_ARRAYS.bind(connection, ps, views.headOnly(), p);
                ps.setString(p++, last);
                expectedCounts.add(views.headOnly().size());
            }
            if (!statusDelta.isEmpty()) { // no zero delta (IncidentStatusCounts): each one changes its row
                for (IncidentStatus status : IncidentStatus.values()) {
                    ps.setObject(p++, statusDelta.get(status), Types.BIGINT);
                }
                ps.setString(p++, last);
                expectedCounts.add(statusDelta.size());
            }
            if (!bound.isEmpty()) {
                ps.setString(p++, CanonicalText.instant(now));
                p = BINDS.bind(connection, ps, bound, p);
                ps.setString(p, last);
                expectedCounts.add(bound.size());
            }
            boolean isResultSet = ps.execute(); // the lock's row first, then the update counts in statement order
            while (isResultSet || ps.getUpdateCount() != -1) {
                if (!isResultSet) {
                    counts.add(ps.getUpdateCount());
                }
                isResultSet = ps.getMoreResults();
            }
        }
        if (counts.isEmpty() || counts.get(0) != rows.size()) {
            throw new StaleHeadException(expected);
        }
        if (!counts.equals(expectedCounts)) {
            throw new IllegalStateException("the group's statements changed " + counts + " rows, expected " + expectedCounts
                    + " (events, then those the group has of: whole views, views' heads, status counts, correlation keys)");
        }
        return true;
    }

    private static int variant(ViewChanges views, Map<?, ?> statusDelta, List<?> bound) {
        return (views.whole().isEmpty() ? 0 : 1) + (views.headOnly().isEmpty() ? 0 : 2) + (statusDelta.isEmpty() ? 0 : 4)
                + (bound.isEmpty() ? 0 : 8);
    }

    /** Inserts the rows in list order (ids ascending: the global chain's order). */
    static void insertEvents(Connection connection, SqlDialect dialect, List<EventRow> rows) throws SQLException {
        if (inOneUnnest(dialect, rows)) {
            EVENT_ARRAYS.execute(connection, INSERT_EVENTS_PG, rows);
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(TimelineRows.INSERT_EVENT)) {
            for (EventRow r : rows) {
                TimelineRows.bindEvent(ps, r.event(), r.canonicalData(), r.globalHash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Writes polling sources' new watermarks (source to watermark), stamped {@code now}. */
    static void upsertWatermarks(Connection connection, SqlDialect dialect, Map<String, String> watermarks, Instant now)
            throws SQLException {
        if (watermarks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(dialect.upsertWatermarkSql())) {
            for (Map.Entry<String, String> w : watermarks.entrySet()) {
                ps.setString(1, w.getKey());
                ps.setString(2, w.getValue());
                ps.setObject(3, now.atOffset(java.time.ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Writes the group's views ({@link ViewChanges}): whole rows inserted or replaced, and only the head columns of those
     * whose head alone moved.
     *
     * @throws IllegalStateException when a view whose head moved has no row (the caller rolls the group back)
     */
    static void writeViews(Connection connection, SqlDialect dialect, ViewChanges views) throws SQLException {
        if (!views.whole().isEmpty()) {
            upsertIncidents(connection, dialect, views.whole());
        }
        if (views.headOnly().isEmpty()) {
            return;
        }
        int updated = 0;
        if (inOneUnnest(dialect, views.headOnly())) {
            updated = HEAD_ARRAYS.execute(connection, UPDATE_HEADS_PG, views.headOnly());
        } else {
            try (PreparedStatement ps = connection.prepareStatement(UPDATE_HEAD)) {
                for (Incident view : views.headOnly()) {
                    ps.setString(1, view.lastEventId());
                    ps.setLong(2, view.lastSeq());
                    ps.setString(3, view.lastHash());
                    ps.setString(4, view.id());
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    updated += n == Statement.SUCCESS_NO_INFO ? 1 : n;
                }
            }
        }
        if (updated != views.headOnly().size()) {
            throw new IllegalStateException("updated the head of " + updated + " of " + views.headOnly().size() + " incident views");
        }
    }

    /** Inserts or replaces the views (distinct ids: an upsert may not touch a row twice in one statement). */
    private static void upsertIncidents(Connection connection, SqlDialect dialect, List<Incident> views) throws SQLException {
        if (inOneUnnest(dialect, views)) {
            INCIDENT_ARRAYS.execute(connection, UPSERT_INCIDENTS_PG, views);
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(dialect.upsertIncidentSql())) {
            for (Incident view : views) {
                TimelineRows.bindIncident(upsert, view);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /**
     * PostgreSQL with 2 to {@value #UNNEST_MAX_ROWS} rows. A single row keeps the plain one-row statement (a batch of one
     * is one statement already, with nothing for the arrays to save), so a lone writer's groups of one event are written
     * as before. Large groups keep the rewritten batch too: loading 300k events in groups of up to 256 took 62.7 s with
     * the arrays against 42.7 s with the batch (bench/scale.sh, session 21, one pair), while groups of ≈ 32 (32 writers,
     * bench/append.sh) cost the server 17 % less CPU per event with the arrays. Between 32 and 256 nothing was measured;
     * 64 is the most concurrent webhook requests a group of the webhook benchmark holds.
     */
    private static boolean inOneUnnest(SqlDialect dialect, List<?> rows) {
        return inOneUnnest(dialect, rows, 2);
    }

    private static boolean inOneUnnest(SqlDialect dialect, List<?> rows, int fewest) {
        return dialect == SqlDialect.POSTGRESQL && rows.size() >= fewest && rows.size() <= UNNEST_MAX_ROWS;
    }

    static final int UNNEST_MAX_ROWS = 64;

    private static <T> Column<T> text(java.util.function.Function<T, String> value) {
        return new Column<>("text", value);
    }

    private static <T> Column<T> bigint(java.util.function.ToLongFunction<T> value) {
        return new Column<>("bigint", row -> Long.toString(value.applyAsLong(row)));
    }

    /** ISO-8601 with {@code Z} ({@link Instant#toString}): read the same whatever the session's time zone. */
    private static <T> Column<T> time(java.util.function.Function<T, Instant> value) {
        return new Column<>("timestamptz", row -> {
            Instant t = value.apply(row);
            return t == null ? null : CanonicalText.instant(t);
        });
    }
}
