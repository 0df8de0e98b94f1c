package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the audit chain of each incident and reports its first broken link: a seq gap, a prev_hash that
 * is not the previous event's hash, a hash that does not match the event's content (keyed with the chain key, or
 * for events from before keyed hashing the unkeyed formula of that time), an unkeyed event after keyed ones, or a
 * view whose head is not the last event (events removed at the end). The set of incidents and the newest events
 * are the {@link GlobalChainVerifier}'s part.
 */
public final class ChainVerifier {
    /** The first broken link of one incident. */
    public record BrokenLink(String incidentId, long seq, String eventId, String reason) {
    }

    /** Result of a verification run. */
    public record Report(int incidents, long events, List<BrokenLink> broken) {
        public boolean intact() {
            return broken.isEmpty();
        }
    }

    private final DataSource dataSource;
    private final ChainKey key;

    /** @param key the chain key; {@code null} only for a log without keyed events (then any keyed event is reported) */
    public ChainVerifier(DataSource dataSource, ChainKey key) {
        this.dataSource = dataSource;
        this.key = key;
    }

    public Report verifyAll() throws SQLException {
        return verify(null);
    }

    /** @param incidentId one incident, or {@code null} for all */
    public Report verify(String incidentId) throws SQLException {
        String where = incidentId == null ? "" : " WHERE incident_id = ?";
        Map<String, TimelineEvent> heads = new HashMap<>();
        Set<String> keyedSeen = new HashSet<>();
        Map<String, BrokenLink> broken = new HashMap<>();
        long events = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets PostgreSQL stream with the fetch size instead of loading all rows
            // One snapshot for the events and the views: appends committed meanwhile are not "removed events".
            c.setTransactionIsolation(snapshotIsolation(c));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TimelineRows.EVENT_COLUMNS
                    + ", global_hash FROM timeline_events" + where + " ORDER BY incident_id, seq")) {
                ps.setFetchSize(1000);
                if (incidentId != null) {
                    ps.setString(1, incidentId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TimelineEvent e = TimelineRows.readEvent(rs);
                        boolean keyed = rs.getString("global_hash") != null;
                        events++;
                        if (!broken.containsKey(e.incidentId())) {
                            String reason = check(heads.get(e.incidentId()), e, keyed, keyedSeen.contains(e.incidentId()));
                            if (reason != null) {
                                broken.put(e.incidentId(), new BrokenLink(e.incidentId(), e.seq(), e.id(), reason));
                            }
                        }
                        heads.put(e.incidentId(), e);
                        if (keyed) {
                            keyedSeen.add(e.incidentId());
                        }
                    }
                }
            }
            checkViews(c, incidentId, heads, broken);
            c.rollback();
        }
        List<BrokenLink> list = new ArrayList<>(broken.values());
        list.sort((a, b) -> a.incidentId().compareTo(b.incidentId()));
        return new Report(heads.size(), events, list);
    }

    /**
     * The isolation level that reads every table as of one moment: PostgreSQL's REPEATABLE READ is a snapshot of the
     * database; H2's takes a snapshot of each table when the transaction first reads it (the views read after the log
     * could then hold heads the log read lacked), so H2 gets its SNAPSHOT level (H2's {@code Constants.TRANSACTION_SNAPSHOT}).
     */
    private static int snapshotIsolation(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().startsWith("H2") ? H2_SNAPSHOT : Connection.TRANSACTION_REPEATABLE_READ;
    }

    /** {@code org.h2.engine.Constants.TRANSACTION_SNAPSHOT}: not referenced, so the class stays free of H2's internals. */
    private static final int H2_SNAPSHOT = 6;

    private String check(TimelineEvent previous, TimelineEvent e, boolean keyed, boolean keyedBefore) {
        long expectedSeq = previous == null ? 1 : previous.seq() + 1;
        if (e.seq() != expectedSeq) {
            return "seq " + e.seq() + " found where " + expectedSeq + " was expected (an event is missing)";
        }
        String expectedPrev = previous == null ? EventHasher.GENESIS : previous.hash();
        if (!expectedPrev.equals(e.prevHash())) {
            return "prev_hash does not match the hash of the previous event";
        }
        if (!keyed && keyedBefore) {
            return "an event without the keyed hash follows keyed ones (written or rewritten without the chain key)";
        }
        if (keyed && key == null) {
            return "the event has a keyed hash and no chain key is configured to check it";
        }
        String expected = keyed ? EventHasher.keyedHash(key, e.prevHash(), e) : EventHasher.legacyHash(e.prevHash(), e);
        if (!ChainKey.sameHash(expected, e.hash())) {
            return "hash does not match the event's stored content (the row was changed)";
        }
        return null;
    }

    /**
     * What a view whose head is not the log's last event says, in the order an operator checks: events gone, the view
     * rewound over removed events (seq matches, hash does not: the hash is of an event no longer there), or a view
     * behind its log.
     */
    private static String viewMismatch(TimelineEvent head, long viewSeq) {
        if (head == null) {
            return "the incident's view says its last event is seq " + viewSeq + " but none of its events is in the log (events removed)";
        }
        if (head.seq() < viewSeq) {
            return "the log ends at seq " + head.seq() + " but the incident's view says its last event is seq " + viewSeq + " (events removed)";
        }
        if (head.seq() == viewSeq) {
            return "the hash the incident's view holds for its last event (seq " + viewSeq + ") is not that event's: the view was "
                    + "changed, e.g. rewound after newer events were removed";
        }
        return "the log has events after seq " + viewSeq + ", the incident's view's last (the view was changed)";
    }

    private static void checkViews(Connection c, String incidentId, Map<String, TimelineEvent> heads,
                                   Map<String, BrokenLink> broken) throws SQLException {
        String where = incidentId == null ? "" : " WHERE id = ?";
        try (PreparedStatement ps = c.prepareStatement("SELECT id, last_seq, last_hash FROM incidents" + where)) {
            if (incidentId != null) {
                ps.setString(1, incidentId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    TimelineEvent head = heads.get(id);
                    if (broken.containsKey(id)) {
                        continue;
                    }
                    long viewSeq = rs.getLong(2);
                    if (head == null || head.seq() != viewSeq || !head.hash().equals(rs.getString(3).trim())) {
                        broken.put(id, new BrokenLink(id, viewSeq, head == null ? null : head.id(), viewMismatch(head, viewSeq)));
                    }
                }
            }
        }
    }
}
