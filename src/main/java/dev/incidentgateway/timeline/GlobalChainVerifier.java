package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.audit.ChainKeyEpochs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the {@linkplain GlobalChain global chain} over every event in id order: legacy events first (folded into the
 * seal), then keyed events whose global hashes must follow from the seal and each other. Optionally checks anchors
 * (signed checkpoints, whose signatures the caller checked): the anchor's event must be in the log, with exactly
 * {@code count} events up to it and the global hash it names.
 *
 * <p>A stored global hash that does not follow is reported and the walk goes on from the stored value, so one
 * removed event is one problem, not one per later event.
 */
public final class GlobalChainVerifier {
    /** Most problems listed; a log rewritten wholesale would otherwise print one line per event. */
    static final int MAX_PROBLEMS = 50;

    /** A point the log must still pass through: {@code label} names it in problems (e.g. the checkpoint's time). */
    public record Anchor(String label, String eventId, long count, String globalHash) {
    }

    /**
     * @param legacyEvents events from before keyed hashing, covered by the seal
     * @param headEventId  the last event ({@code null}: empty log)
     */
    public record Report(long events, long legacyEvents, String headEventId, String headGlobalHash, int anchorsChecked,
                         List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final DataSource dataSource;
    /** Each global hash is checked with the key of its event's epoch; the chain runs on across a rotation's boundary. */
    private final ChainKeyEpochs keys;

    public GlobalChainVerifier(DataSource dataSource, ChainKey key) {
        this(dataSource, ChainKeyEpochs.single(key));
    }

    public GlobalChainVerifier(DataSource dataSource, ChainKeyEpochs keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    public Report verify(Collection<Anchor> anchors) throws SQLException {
        Map<String, List<Anchor>> byEvent = new HashMap<>();
        anchors.forEach(a -> byEvent.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a));
        Set<String> reached = new HashSet<>();
        List<String> problems = new ArrayList<>();
        long events = 0;
        String lastId = null;
        String previous = null; // global hash of the previous keyed event; null while in the legacy part
        // The seal of the legacy events was made with the key of the first keyed event's epoch, not known until it is
        // read: one seal per key (a handful) is fed, and that epoch's is taken.
        Map<ChainKey, GlobalChain.Seal> seals = new java.util.IdentityHashMap<>();
        keys.all().stream().filter(java.util.Objects::nonNull).forEach(k -> seals.put(k, new GlobalChain.Seal(k)));
        long legacy = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets PostgreSQL stream with the fetch size
            try (PreparedStatement ps = c.prepareStatement("SELECT id, hash, global_hash FROM timeline_events ORDER BY id")) {
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events++;
                        lastId = rs.getString(1).trim();
                        String hash = rs.getString(2).trim();
                        String global = rs.getString(3) == null ? null : rs.getString(3).trim();
                        if (global == null) {
                            if (previous != null) {
                                add(problems, "event " + lastId + " has no global hash after the keyed chain began (written or "
                                        + "rewritten without the chain key)");
                            } else {
                                legacy++;
                                seals.values().forEach(seal -> seal.add(hash));
                            }
                        } else {
                            ChainKey key = keys.keyFor(lastId);
                            if (key == null) {
                                add(problems, "the log has events written with a chain key, and no chain key is configured");
                                break;
                            }
                            String from = previous != null ? previous : seals.get(key).value();
                            if (!ChainKey.sameHash(GlobalChain.next(key, from, hash), global)) {
                                add(problems, "event " + lastId + ": the global chain breaks here ("
                                        + (previous == null ? "the events from before the upgrade were changed, removed or added"
                                        : "an event before it was removed or changed, or this row was changed") + ")");
                            }
                            previous = global;
                        }
                        List<Anchor> here = byEvent.get(lastId);
                        if (here != null) {
                            reached.add(lastId);
                            for (Anchor a : here) {
                                checkAnchor(a, events, global, problems);
                            }
                        }
                    }
                }
            }
            c.rollback();
        }
        for (Anchor a : anchors) {
            if (!reached.contains(a.eventId())) {
                add(problems, a.label() + ": its last event " + a.eventId() + " is not in the log (events were removed)");
            }
        }
        return new Report(events, legacy, lastId, previous, anchors.size(), problems);
    }

    private static void checkAnchor(Anchor a, long countHere, String globalHere, List<String> problems) {
        if (a.count() != countHere) {
            add(problems, a.label() + ": " + countHere + " events up to " + a.eventId() + ", the checkpoint says " + a.count()
                    + " (events were " + (countHere < a.count() ? "removed" : "added") + " before it)");
        }
        if (!ChainKey.sameHash(a.globalHash(), globalHere)) {
            add(problems, a.label() + ": the global hash at " + a.eventId() + " is not the signed one (the log up to it was rewritten)");
        }
    }

    private static void add(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("… more problems not listed");
        }
    }
}
