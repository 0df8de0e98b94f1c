package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlLists;

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

    /**
     * One statement: the keys as a {@code VALUES} list joined to the unique index (an index probe per key on both stores).
     * Not a {@code UNION ALL} of one lookup per key: H2 never caches a union's plan (its {@code SelectUnion} is not
     * cacheable), so it parsed and planned up to 256 branches for every group, a seventh of the writer's time (issue 13).
     */
    static String sql(int keys) {
        return "SELECT " + TimelineRows.EVENT_COLUMNS + " FROM timeline_events JOIN (VALUES "
                + SqlLists.rows(keys, "(?,?,?)") + ") AS wanted(p, s, c)"
                + " ON principal = wanted.p AND ce_source = wanted.s AND ce_id = wanted.c";
    }

    /**
     * Binds the keys (each principal, ce source, ce id) from parameter 1 on.
     *
     * @return the next parameter's index
     */
    static int bind(PreparedStatement ps, List<String[]> keys) throws SQLException {
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
