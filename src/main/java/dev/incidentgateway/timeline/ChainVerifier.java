package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.audit.ChainKeyEpochs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the audit chain of each incident and reports its first broken link: a seq gap, a prev_hash that is not the
 * previous event's hash, a row that cannot be read or whose {@code data} is not in canonical form, a hash that does not
 * match the event's content (keyed with the chain key, or for events from before keyed hashing the unkeyed formula of
 * that time), an unkeyed event after keyed ones. Of an incident whose chain holds it then checks the view: its head
 * must be the last event, and every other column what {@link IncidentProjection} gives from the log ({@link ViewCheck});
 * a view row without events and events without a view row are reported too, and {@code incident_status_counts} is
 * checked against the views; so are the other tables derived from the log ({@link DerivedTablesCheck}: correlation keys,
 * SLA settled marks, tickets, outbox rows). The set of incidents and the newest events are the {@link GlobalChainVerifier}'s part.
 *
 * <p>Memory stays bounded whatever the log's size: the views are read a page at a time, each page with the events of
 * its id range (streamed in incident and seq order), and only the current incident's head is held.
 */
public final class ChainVerifier {
    /** A problem of one incident: {@code seq} and {@code eventId} locate it ({@code eventId} null: no such event). */
    public record BrokenLink(String incidentId, long seq, String eventId, String reason) {
    }

    /**
     * Result of a verification run.
     *
     * @param problems problems of no single incident (the status counts)
     * @param unlisted problems found beyond the {@value #MAX_LISTED} listed (a log broken everywhere stays bounded too)
     */
    public record Report(int incidents, long events, List<BrokenLink> broken, List<String> problems, long unlisted) {
        public boolean intact() {
            return broken.isEmpty() && problems.isEmpty();
        }
    }

    /** View rows read per page. */
    static final int PAGE = 1000;
    private final int pageSize;
    static final int MAX_LISTED = 1000;

    private final DataSource dataSource;
    /** Each event is checked with the key of its epoch (the retired key whose boundary covers it, else the current one). */
    private final ChainKeyEpochs keys;

    /** @param key the chain key; {@code null} only for a log without keyed events (then any keyed event is reported) */
    public ChainVerifier(DataSource dataSource, ChainKey key) {
        this(dataSource, ChainKeyEpochs.single(key));
    }

    /** With the keys of a store whose chain key was rotated: events up to a retired key's boundary were hashed with it. */
    public ChainVerifier(DataSource dataSource, ChainKeyEpochs keys) {
        this(dataSource, keys, PAGE);
    }

    /** With pages of {@code pageSize} view rows (tests cross page boundaries with a few incidents). */
    ChainVerifier(DataSource dataSource, ChainKey key, int pageSize) {
        this(dataSource, ChainKeyEpochs.single(key), pageSize);
    }

    private ChainVerifier(DataSource dataSource, ChainKeyEpochs keys, int pageSize) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.pageSize = pageSize;
    }

    public Report verifyAll() throws SQLException {
        return verify(null);
    }

    /** @param incidentId one incident (its {@code incidents()} is 0 when it has neither events nor a view), or {@code null} for all */
    public Report verify(String incidentId) throws SQLException {
        Findings found = new Findings();
        List<String> problems = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets PostgreSQL stream with the fetch size instead of loading all rows
            // One snapshot for the events and the views: appends committed meanwhile are not "removed events".
            c.setTransactionIsolation(snapshotIsolation(c));
            if (incidentId != null) {
                walk(c, " WHERE incident_id = ?", new String[]{incidentId}, ViewCheck.one(c, incidentId), found);
                DerivedTablesCheck.outbox(c, " WHERE incident_id = ?", new String[]{incidentId}, found);
            } else {
                Map<String, Long> statuses = new HashMap<>();
                String after = null;
                while (true) {
                    Map<String, ViewCheck.StoredView> page = ViewCheck.page(c, after, pageSize);
                    page.values().forEach(v -> statuses.merge(v.status(), 1L, Long::sum));
                    // The page's events are those of ids in (after, its last id]; the last page's range is open above.
                    String upper = page.size() < pageSize ? null : page.keySet().stream().reduce((a, b) -> b).orElseThrow();
                    List<String> bounds = new ArrayList<>();
                    List<String> params = new ArrayList<>();
                    if (after != null) {
                        bounds.add("incident_id > ?");
                        params.add(after);
                    }
                    if (upper != null) {
                        bounds.add("incident_id <= ?");
                        params.add(upper);
                    }
                    walk(c, bounds.isEmpty() ? "" : " WHERE " + String.join(" AND ", bounds), params.toArray(String[]::new), page, found);
                    if (upper == null) {
                        break;
                    }
                    after = upper;
                }
                problems.addAll(IncidentStatusCounts.mismatches(c, statuses));
                DerivedTablesCheck.outbox(c, "", new String[0], found);
            }
            c.rollback();
        }
        found.broken.sort(java.util.Comparator.comparing(BrokenLink::incidentId)); // stable: an incident's own stay in order
        return new Report(found.incidents, found.events, found.broken, problems, found.unlisted);
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

    /** What the walk found so far. */
    private static final class Findings implements DerivedTablesCheck.Findings {
        int incidents;
        long events;
        final List<BrokenLink> broken = new ArrayList<>();
        long unlisted;
        /** The page's incidents whose chain and view hold, for the derived tables' check; and those with a broken one. */
        final Map<String, LoggedBindings> logged = new HashMap<>();
        final java.util.Set<String> unchecked = new java.util.HashSet<>();

        @Override
        public void add(String incidentId, long seq, String reason) {
            add(new BrokenLink(incidentId, seq, null, reason));
        }

        void add(BrokenLink link) {
            if (broken.size() < MAX_LISTED) {
                broken.add(link);
            } else {
                unlisted++;
            }
        }
    }

    /** One incident's log as far as it was read. */
    private static final class IncidentWalk {
        final String id;
        long seq;
        String eventId;
        String hash = EventHasher.GENESIS;
        boolean keyedSeen;
        boolean broken;
        /** The view its events give so far ({@code null} before its declare). */
        Incident view;
        final LoggedBindings bindings;

        IncidentWalk(String id) {
            this.id = id;
            this.bindings = new LoggedBindings(id);
        }
    }

    /**
     * Streams the events {@code where} selects, checks each incident's chain and then its view in {@code views}, then the
     * rows of the tables derived from those logs ({@link DerivedTablesCheck}).
     */
    private void walk(Connection c, String where, String[] params, Map<String, ViewCheck.StoredView> views, Findings found)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TimelineRows.EVENT_COLUMNS
                + ", global_hash FROM timeline_events" + where + " ORDER BY incident_id, seq")) {
            ps.setFetchSize(1000);
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                IncidentWalk current = null;
                while (rs.next()) {
                    String incidentId = rs.getString("incident_id");
                    if (current == null || !current.id.equals(incidentId)) {
                        if (current != null) {
                            finish(current, views.remove(current.id), found);
                        }
                        current = new IncidentWalk(incidentId);
                    }
                    found.events++;
                    step(current, rs, found);
                }
                if (current != null) {
                    finish(current, views.remove(current.id), found);
                }
            }
        }
        for (ViewCheck.StoredView orphan : views.values()) {
            found.incidents++;
            found.add(new BrokenLink(orphan.id(), orphan.lastSeq(), null, ViewCheck.headMismatch(null, orphan)));
        }
        new DerivedTablesCheck(c, found.logged, found.unchecked, found).check(where, params);
        found.logged.clear();
        found.unchecked.clear();
    }

    /** Checks one event against the one before it; after the incident's first broken link only the head moves on. */
    private void step(IncidentWalk walk, ResultSet rs, Findings found) throws SQLException {
        long seq = rs.getLong("seq");
        String eventId = rs.getString("id").trim();
        String prevHash = rs.getString("prev_hash").trim();
        String hash = rs.getString("hash").trim();
        boolean keyed = rs.getString("global_hash") != null;
        if (!walk.broken) {
            String reason = check(walk, rs, seq, prevHash, hash, keyed ? keys.keyFor(eventId) : null, keyed);
            if (reason != null) {
                walk.broken = true;
                found.add(new BrokenLink(walk.id, seq, eventId, reason));
            }
        }
        walk.seq = seq;
        walk.eventId = eventId;
        walk.hash = hash;
        walk.keyedSeen |= keyed;
    }

    private String check(IncidentWalk walk, ResultSet rs, long seq, String prevHash, String hash, ChainKey key, boolean keyed)
            throws SQLException {
        if (seq != walk.seq + 1) {
            return "seq " + seq + " found where " + (walk.seq + 1) + " was expected (an event is missing)";
        }
        if (!walk.hash.equals(prevHash)) {
            return "prev_hash does not match the hash of the previous event";
        }
        if (!keyed && walk.keyedSeen) {
            return "an event without the keyed hash follows keyed ones (written or rewritten without the chain key)";
        }
        if (keyed && key == null) {
            return "the event has a keyed hash and no chain key is configured to check it";
        }
        TimelineEvent e;
        try {
            e = TimelineRows.readEvent(rs);
        } catch (UnreadableEventException unreadable) {
            return "the row cannot be read: " + unreadable.reason() + " (the gateway never writes such a row: it was changed)";
        }
        // The writer stores data in the form it hashes; another spelling of the same JSON (key order, spaces, escapes,
        // a duplicate key or a second document a lenient parse drops) would pass the hash, so it is a change of its own.
        String canonicalData = EventHasher.canonicalJson(e.data());
        if (!canonicalData.equals(rs.getString("data"))) {
            return "data is not stored in its canonical form (compact, keys sorted, once each): the row was changed";
        }
        String expected = keyed ? EventHasher.keyedHash(key, prevHash, e, canonicalData) : EventHasher.legacyHash(prevHash, e);
        if (!ChainKey.sameHash(expected, hash)) {
            return "hash does not match the event's stored content (the row was changed)";
        }
        if (walk.view == null && e.type() != EventType.DECLARE) {
            return "the incident's log does not begin with a declare";
        }
        walk.view = IncidentProjection.apply(walk.view, e);
        walk.bindings.add(e, walk.view);
        return null;
    }

    /** The incident's view against its log, when its chain holds (a broken log gives no view to compare with). */
    private static void finish(IncidentWalk walk, ViewCheck.StoredView view, Findings found) {
        found.incidents++;
        found.unchecked.add(walk.id); // until its view is found to hold
        if (walk.broken) {
            return;
        }
        if (view == null) {
            found.add(new BrokenLink(walk.id, walk.seq, walk.eventId, "the log has " + walk.seq + " events of this incident and "
                    + "the incidents view has no row for it (the row was deleted)"));
            return;
        }
        String head = ViewCheck.headMismatch(new ViewCheck.Head(walk.seq, walk.eventId, walk.hash), view);
        if (head != null) {
            found.add(new BrokenLink(walk.id, view.lastSeq(), walk.eventId, head));
            return;
        }
        List<String> differences = ViewCheck.differences(view, walk.view);
        differences.forEach(d -> found.add(new BrokenLink(walk.id, walk.seq, walk.eventId, d)));
        if (differences.isEmpty()) {
            found.unchecked.remove(walk.id);
            found.logged.put(walk.id, walk.bindings);
        }
    }
}
