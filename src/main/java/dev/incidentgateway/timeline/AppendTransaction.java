package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.SqlLists;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One group-commit transaction: validates a series of append requests against the state machine, each
 * all-or-nothing, stages the accepted events and view changes, and writes them with batched statements.
 * Requests see the effects of the requests staged before them in the same transaction.
 */
final class AppendTransaction {
    private final Connection connection;
    private final SqlDialect dialect;
    private final WriterMemory memory;
    private final Instant now;
    private final ChainKey chainKey;
    /** The newest stored event when the transaction started ({@code null}: empty log). */
    private final GlobalChain.Head head;
    /**
     * PostgreSQL, when this writer's last transaction left the head it knows: the append lock is taken with the first
     * write ({@link GroupWrites#lockThenWrite}), which checks that head, instead of in a round trip of its own first.
     */
    private final boolean lockWithFirstWrite;
    /** The head after {@link #flush()}: the last written event and its global hash (or {@link #head} if none). */
    private GlobalChain.Head headAfter;
    /** Incident views as committed, loaded once per transaction ({@code null} value: does not exist). */
    private final Map<String, Incident> committed = new HashMap<>();
    /** Views after the requests accepted so far. */
    private final Map<String, Incident> staged = new LinkedHashMap<>();
    private final Map<String, TimelineEvent> stagedByCe = new HashMap<>();
    private final List<TimelineEvent> stagedEvents = new ArrayList<>();
    private final Map<String, String> stagedWatermarks = new LinkedHashMap<>();
    private final GroupLookups lookups;
    private final EventStamper stamper;

    AppendTransaction(Connection connection, SqlDialect dialect, WriterMemory memory, String typePrefix, Correlator correlator,
                      ChainKey chainKey) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.memory = memory;
        this.chainKey = chainKey;
        this.now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        this.stamper = new EventStamper(memory.ids, typePrefix, chainKey, now);
        this.lookups = new GroupLookups(connection, dialect, correlator);
        connection.setAutoCommit(false);
        GlobalChain.Head remembered = dialect == SqlDialect.POSTGRESQL ? memory.head() : null;
        this.lockWithFirstWrite = remembered != null;
        if (lockWithFirstWrite) {
            this.head = remembered; // checked under the lock before anything is written (StaleHeadException)
        } else {
            // Under the lock, no id larger than ours can commit before us: see TimelineWriter.
            this.head = GlobalChain.lockThenReadHead(connection, dialect);
            memory.startTransaction(head);
        }
        this.headAfter = head;
    }

    /**
     * The global hash the first event of this transaction follows: the head's, or, when the log is empty or holds
     * only events from before keyed hashing, the seal of those events (computed once, by the first keyed append).
     */
    private String globalHashBefore() throws SQLException {
        if (head != null && head.globalHash() != null) {
            return head.globalHash();
        }
        return GlobalChain.sealOfLegacy(chainKey, connection, head == null ? null : head.lastEventId());
    }

    /**
     * Before the group's requests are applied: its dedup, correlation and incident-number lookups, each one statement
     * for the whole group ({@link GroupLookups}), and the views of every incident it names or will probably create.
     */
    void prefetch(List<List<NewEvent>> requests) throws SQLException {
        List<String> ids = new ArrayList<>(requests.stream().flatMap(List::stream).map(NewEvent::incidentId).toList());
        ids.addAll(lookups.prefetch(requests));
        preload(ids);
    }

    /** Loads the views of the named incidents with one query, before requests are applied. */
    void preload(Collection<String> incidentIds) throws SQLException {
        for (String id : incidentIds) {
            Incident remembered = id == null || committed.containsKey(id) ? null : memory.view(id);
            if (remembered != null) {
                committed.put(id, remembered);
            }
        }
        List<String> missing = incidentIds.stream().filter(id -> id != null && !committed.containsKey(id)).distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        List<String> keys = SqlLists.padded(missing);
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM incidents WHERE id IN (" + SqlLists.marks(keys.size()) + ")")) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(i + 1, keys.get(i));
            }
            missing.forEach(id -> committed.put(id, null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Incident incident = TimelineRows.readIncident(rs);
                    committed.put(incident.id(), incident);
                }
            }
        }
    }

    /**
     * Applies one request: every event accepted, or none (the exception says why).
     *
     * @throws AppendRejectedException when any event is refused; nothing of the request is staged
     */
    List<AppendOutcome> apply(List<NewEvent> request) throws SQLException {
        Map<String, Incident> overlay = new HashMap<>();
        Map<String, TimelineEvent> addedByCe = new HashMap<>();
        List<TimelineEvent> added = new ArrayList<>();
        List<AppendOutcome> outcomes = new ArrayList<>(request.size());
        // Nothing is written while requests are applied (correlation changes wait in the lookups until flush), so a
        // refused request has nothing to undo in the database.
        lookups.beginRequest();
        try {
            for (NewEvent ne : request) {
                String ceSource = ne.effectiveCeSource();
                TimelineEvent earlier = ne.ceId() == null ? null : earlier(ne.principal(), ceSource, ne.ceId(), addedByCe);
                String open = ne.correlationKey() == null ? null : lookups.openIncident(ne.correlationKey());
                if (earlier != null) {
                    if (ne.type() == EventType.DECLARE && open != null) {
                        countRepeat(open, overlay); // Alertmanager re-sending a firing alert every repeat_interval
                    }
                    outcomes.add(AppendOutcome.duplicate(earlier));
                    continue;
                }
                AppendOutcome absorbed = correlate(ne, open, overlay);
                if (absorbed != null) {
                    outcomes.add(absorbed);
                    continue;
                }
                String incidentId = ne.incidentId() != null ? ne.incidentId() : open != null ? open : generateIncidentId(overlay);
                Incident current = current(incidentId, overlay);
                TimelineEvent event = stamper.stamp(ne, incidentId, current, ceSource);
                Incident next = IncidentProjection.apply(current, event);
                overlay.put(incidentId, next);
                if (ne.type() == EventType.DECLARE && ne.correlationKey() != null) {
                    lookups.bind(ne.correlationKey(), incidentId);
                }
                if (current != null && current.isOpen() && !next.isOpen()) {
                    lookups.release(incidentId);
                }
                added.add(event);
                addedByCe.put(ceKey(ne.principal(), ceSource, event.ceId()), event);
                outcomes.add(AppendOutcome.appended(event));
            }
        } catch (AppendRejectedException refused) {
            lookups.beginRequest(); // drops this request's correlation changes
            throw refused;
        }
        lookups.acceptRequest();
        staged.putAll(overlay);
        stagedByCe.putAll(addedByCe);
        stagedEvents.addAll(added);
        return outcomes;
    }

    /**
     * Best effort, for polled changes: each event on its own, a refused one reported as {@link AppendOutcome.Kind#REFUSED}
     * instead of failing the request, so one change the state machine refuses cannot block a source's progress.
     */
    List<AppendOutcome> applyEach(List<NewEvent> events) throws SQLException {
        List<AppendOutcome> outcomes = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            try {
                outcomes.addAll(apply(List.of(e)));
            } catch (AppendRejectedException refused) {
                outcomes.add(new AppendOutcome(AppendOutcome.Kind.REFUSED, null, e.incidentId()));
            }
        }
        return outcomes;
    }

    /** Stages a source's new watermark: written by {@link #flush()}, so it commits with the events. */
    void recordProgress(SourceProgress progress) {
        stagedWatermarks.put(progress.source(), progress.watermark());
    }

    /** Idempotency ids are scoped by principal: another sender's (source, id) never suppresses ours. */
    private TimelineEvent earlier(String principal, String ceSource, String ceId, Map<String, TimelineEvent> addedByCe)
            throws SQLException {
        String ceKey = ceKey(principal, ceSource, ceId);
        TimelineEvent earlier = addedByCe.containsKey(ceKey) ? addedByCe.get(ceKey) : stagedByCe.get(ceKey);
        return earlier != null ? earlier : lookups.stored(principal, ceSource, ceId);
    }

    private static String ceKey(String principal, String ceSource, String ceId) {
        return GroupLookups.ceKey(principal, ceSource, ceId);
    }

    /**
     * A declare whose key already has an open incident adds no event; an event addressed only by a key with
     * no open incident has nothing to apply to. Otherwise {@code null}: the event is appended.
     */
    private AppendOutcome correlate(NewEvent ne, String open, Map<String, Incident> overlay) throws SQLException {
        if (ne.correlationKey() == null) {
            return null;
        }
        if (ne.type() == EventType.DECLARE && open != null) {
            countRepeat(open, overlay);
            return new AppendOutcome(AppendOutcome.Kind.CORRELATED, null, open);
        }
        if (ne.type() != EventType.DECLARE && ne.incidentId() == null && open == null) {
            return new AppendOutcome(AppendOutcome.Kind.IGNORED, null, null);
        }
        return null;
    }

    private void countRepeat(String incidentId, Map<String, Incident> overlay) throws SQLException {
        Incident current = current(incidentId, overlay);
        if (current != null) {
            overlay.put(incidentId, current.withAlertRepeats(current.alertRepeats() + 1));
        }
    }

    private Incident current(String incidentId, Map<String, Incident> overlay) throws SQLException {
        if (overlay.containsKey(incidentId)) {
            return overlay.get(incidentId);
        }
        if (staged.containsKey(incidentId)) {
            return staged.get(incidentId);
        }
        preload(List.of(incidentId));
        return committed.get(incidentId);
    }

    /** {@code INC-<n>} from the database sequence (reserved per group), skipping numbers a caller already chose by hand. */
    private String generateIncidentId(Map<String, Incident> overlay) throws SQLException {
        while (true) {
            String candidate = "INC-" + lookups.nextIncidentNumber();
            if (current(candidate, overlay) == null) {
                return candidate;
            }
        }
    }

    /** Writes everything staged, a statement per table ({@link GroupWrites}); the caller runs the hooks and commits. */
    List<TimelineEvent> flush() throws SQLException {
        List<GroupWrites.EventRow> rows = new ArrayList<>(stagedEvents.size());
        if (!stagedEvents.isEmpty()) {
            // Staged events are in id order (ids are handed out in staging order), which is the global chain's order.
            String global = globalHashBefore();
            for (TimelineEvent e : stagedEvents) {
                global = GlobalChain.next(chainKey, global, e.hash());
                rows.add(new GroupWrites.EventRow(e, stamper.canonicalData(e.id()), global));
            }
            headAfter = new GlobalChain.Head(stagedEvents.get(stagedEvents.size() - 1).id(), global);
        }
        List<Incident> views = List.copyOf(staged.values());
        boolean rowsWritten = false;
        if (lockWithFirstWrite) {
            // Everything above was staged on the head this writer's last commit left; another instance may have appended
            // since. The lock comes with the first write, which writes only on that head (else: staged again, locked).
            rowsWritten = GroupWrites.lockThenWrite(connection, dialect, head, rows, views);
        } else if (!rows.isEmpty()) {
            GroupWrites.insertEvents(connection, dialect, rows);
        }
        GroupWrites.upsertWatermarks(connection, dialect, stagedWatermarks, now);
        if (!views.isEmpty()) {
            if (!rowsWritten) {
                GroupWrites.upsertIncidents(connection, dialect, views);
            }
            IncidentStatusCounts.apply(connection, committed, views);
        }
        lookups.flush(now);
        return List.copyOf(stagedEvents);
    }

    /** The store's head once this transaction has committed. */
    GlobalChain.Head headAfter() {
        return headAfter;
    }

    /** Views after this transaction, by incident id. */
    Map<String, Incident> views() {
        return java.util.Collections.unmodifiableMap(staged);
    }

    /** The views this transaction changed, to remember once it has committed. */
    Collection<Incident> changedViews() {
        return staged.values();
    }
}
