package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.SqlLists;
import dev.incidentgateway.store.UnnestRows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's idempotency lookup: which of a group's events are stored already under their {@code (principal,
 * ce_source, ce_id)}, for {@link GroupLookups} to run alone or with the correlation lookup in one round trip.
 */
final class IdempotencyLookup {
    private IdempotencyLookup() {
    }

    /** The idempotency keys of the events that have a ce id ({@link GroupLookups#ceKey}), each with its three parts. */
    static Map<String, String[]> wanted(List<NewEvent> events) {
        Map<String, String[]> wanted = new LinkedHashMap<>();
        for (NewEvent e : events) {
            if (e.ceId() != null) {
                String source = e.effectiveCeSource();
                wanted.putIfAbsent(GroupLookups.ceKey(e.principal(), source, e.ceId()), new String[]{e.principal(), source, e.ceId()});
            }
        }
        return wanted;
    }

    /** PostgreSQL: the keys' principals, ce sources and ce ids, one array each. */
    private static final UnnestRows<String[]> KEY_ARRAYS = new UnnestRows<>(List.of(new UnnestRows.Column<>("varchar", k -> k[0]),
            new UnnestRows.Column<>("varchar", k -> k[1]), new UnnestRows.Column<>("varchar", k -> k[2])));

    /**
     * PostgreSQL: the keys as three arrays, each key an index probe of its own ({@code OFFSET 0} keeps PostgreSQL from
     * turning the lateral subquery into a plain join). One statement text for every group size, where the {@code VALUES}
     * form had one per padded size and each of them got its own cached generic plan on each pooled connection: one of
     * those was a hash join over the whole table (4.7 ms a lookup at 50k events, growing with the table) and stayed so
     * for 469 groups of one benchmark run, after FreshStoreAnalyzer's ANALYZE (issue 13, session 40). The same form as
     * {@link ExactKeyCorrelator#OPEN_INCIDENTS_PG} and {@code GroupViews.PRELOAD_PG}.
     */
    static final String SQL_PG = "SELECT t.* FROM (" + KEY_ARRAYS.select() + ") AS wanted(p, s, c) JOIN LATERAL (SELECT "
            + TimelineRows.EVENT_COLUMNS + " FROM timeline_events"
            + " WHERE principal = wanted.p AND ce_source = wanted.s AND ce_id = wanted.c OFFSET 0) t ON TRUE";

    /** The keys as the statement of this store binds them: H2's padded to the {@code VALUES} list's size. */
    static List<String[]> keys(SqlDialect dialect, Map<String, String[]> wanted) {
        List<String[]> keys = List.copyOf(wanted.values());
        return dialect == SqlDialect.POSTGRESQL ? keys : SqlLists.padded(keys);
    }

    /** The lookup of {@code keys} (as {@link #keys} gave them) on this store. */
    static String sql(SqlDialect dialect, int keys) {
        return dialect == SqlDialect.POSTGRESQL ? SQL_PG : valuesSql(keys);
    }

    /**
     * H2: one statement, the keys as a {@code VALUES} list joined to the unique index (an index probe per key).
     * Not a {@code UNION ALL} of one lookup per key: H2 never caches a union's plan (its {@code SelectUnion} is not
     * cacheable), so it parsed and planned up to 256 branches for every group, a seventh of the writer's time (issue 13).
     */
    static String valuesSql(int keys) {
        return "SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events JOIN (VALUES "
                + SqlLists.rows(keys, "(?,?,?)") + ") AS wanted(p, s, c)"
                + " ON principal = wanted.p AND ce_source = wanted.s AND ce_id = wanted.c";
    }

    /**
     * Binds the keys (each principal, ce source, ce id) from parameter 1 on: on PostgreSQL three arrays, on H2 three
     * parameters a key.
     *
     * @return the next parameter's index
     */
    static int bind(PreparedStatement ps, SqlDialect dialect, List<String[]> keys) throws SQLException {
        if (dialect == SqlDialect.POSTGRESQL) {
            return KEY_ARRAYS.bind(ps.getConnection(), ps, keys, 1);
        }
        int p = 1;
        for (String[] key : keys) {
            ps.setString(p++, key[0]);
            ps.setString(p++, key[1]);
            ps.setString(p++, key[2]);
        }
        return p;
    }

    /** Puts each stored event the lookup found under its idempotency key. */
    static void read(ResultSet rs, Map<String, TimelineEvent> storedByCe) throws SQLException {
        while (rs.next()) {
            TimelineEvent e = TimelineRows.readEvent(rs);
            storedByCe.put(GroupLookups.ceKey(e.principal(), e.ceSource(), e.ceId()), e);
        }
    }
}
