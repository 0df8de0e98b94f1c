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
import java.util.List;
import java.util.Map;

/**
 * One group-commit transaction: validates a series of append requests against the state machine, each
 * all-or-nothing, stages the accepted events and view changes, and writes them with batched statements.
 * Requests see the effects of the requests staged before them in the same transaction.
 *
 * <p>Two forms. {@link #underLock}: the append lock is taken and the head read first, and the lookups and writes go
 * through the same connection (the form after a failure, and for the first group). {@link #onKnownHead}: staged
 * without the lock, on the head the writer's last commit left or on the one the group still being written will leave
 * ({@code inFlight}: its views, idempotency keys and correlation changes count as done); the lookups read committed
 * data on their own connection, and {@link #write} takes the lock with its first statement, which writes only if the
 * store's head is still the one staged on ({@link StaleHeadException} otherwise: nothing is written). Either way ids are
 * written only under the lock and above every committed id (see {@link TimelineWriter}).
 */
final class AppendTransaction {
    private final Connection reads;
    private final SqlDialect dialect;
    private final Instant now;
    private final ChainKey chainKey;
    /** The newest stored event this transaction follows ({@code null}: empty log). */
    private final GlobalChain.Head head;
    /** {@link #onKnownHead}: the lock is taken, and {@link #head} checked, by the first write. */
    private final boolean lockAtWrite;
    /** The group in flight this one is staged on ({@code null}: none, or this one is sealed: see {@link #seal}). */
    private AppendTransaction inFlight;
    /** The head after this transaction (the last staged event and its global hash, or {@link #head}): set by {@link #seal}. */
    private GlobalChain.Head headAfter;
    private List<GroupWrites.EventRow> rows;
    private final GroupViews committed;
    private final StagedChanges staged = new StagedChanges();
    private final GroupLookups lookups;
    private final EventStamper stamper;

    private AppendTransaction(Connection reads, SqlDialect dialect, WriterMemory memory, String typePrefix, Correlator correlator,
                              ChainKey chainKey, GlobalChain.Head head, boolean lockAtWrite, AppendTransaction inFlight) {
        this.reads = reads;
        this.dialect = dialect;
        this.chainKey = chainKey;
        this.head = head;
        this.headAfter = head;
        this.lockAtWrite = lockAtWrite;
        this.inFlight = inFlight;
        this.now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        this.stamper = new EventStamper(memory.ids, typePrefix, chainKey, now);
        this.committed = new GroupViews(reads, dialect, memory, inFlight == null ? null : inFlight.staged.views());
        this.lookups = new GroupLookups(reads, dialect, correlator, inFlight == null ? null : inFlight.lookups,
                inFlight == null ? java.util.Set.of() : inFlight.staged.byCe().keySet());
    }

    /** Takes the append lock and reads the head on {@code connection} (auto-commit off), which also takes the writes. */
    static AppendTransaction underLock(Connection connection, SqlDialect dialect, WriterMemory memory, String typePrefix,
                                       Correlator correlator, ChainKey chainKey) throws SQLException {
        connection.setAutoCommit(false);
        // Under the lock, no id larger than ours can commit before us: see TimelineWriter.
        GlobalChain.Head head = GlobalChain.lockThenReadHead(connection, dialect);
        memory.startTransaction(head);
        return new AppendTransaction(connection, dialect, memory, typePrefix, correlator, chainKey, head, false, null);
    }

    /**
     * Staged on the head {@code inFlight} will leave, or (no group in flight) on the one the writer's last commit left,
     * which {@link WriterMemory#head()} must then know; lookups through {@code reads}.
     */
    static AppendTransaction onKnownHead(Connection reads, SqlDialect dialect, WriterMemory memory, String typePrefix,
                                         Correlator correlator, ChainKey chainKey, AppendTransaction inFlight) {
        GlobalChain.Head head = inFlight != null ? inFlight.headAfter : memory.head();
        return new AppendTransaction(reads, dialect, memory, typePrefix, correlator, chainKey, head, true, inFlight);
    }

    /**
     * Before requests are applied: their dedup, correlation and incident-number lookups, each one statement for all of
     * them ({@link GroupLookups}), and the views of every incident they name or will probably create. May be called again
     * for requests that join the group later.
     */
    void prefetch(List<List<NewEvent>> requests) throws SQLException {
        List<String> ids = new ArrayList<>(requests.stream().flatMap(List::stream).map(NewEvent::incidentId).toList());
        IncidentNumberReservation.ReservedIds reserved = lookups.prefetch(requests);
        committed.absentFromStore(reserved.free());
        ids.addAll(reserved.taken());
        committed.preload(ids);
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
        Map<String, IncidentStatus> addedStatus = new HashMap<>();
        List<AppendOutcome> outcomes = new ArrayList<>(request.size());
        // Nothing is written while requests are applied (correlation changes wait in the lookups until flush), so a
        // refused request has nothing to undo in the database.
        lookups.beginRequest();
        int at = 0; // which event a refusal is about, for the answer to name the sender's item
        try {
            for (; at < request.size(); at++) {
                NewEvent ne = request.get(at);
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
                    NewEvent escalation = absorbed.kind() == AppendOutcome.Kind.CORRELATED
                            ? escalation(ne, open, overlay, addedByCe) : null;
                    if (escalation != null) { // the alert outranks its incident: still only counted, and the change stored
                        TimelineEvent change = stage(escalation, open, overlay, added, addedStatus, addedByCe);
                        absorbed = new AppendOutcome(AppendOutcome.Kind.CORRELATED, change, open);
                    }
                    outcomes.add(absorbed);
                    continue;
                }
                String incidentId = ne.incidentId() != null ? ne.incidentId() : open != null ? open : generateIncidentId(overlay);
                outcomes.add(AppendOutcome.appended(stage(ne, incidentId, overlay, added, addedStatus, addedByCe)));
            }
        } catch (AppendRejectedException refused) {
            lookups.beginRequest(); // drops this request's correlation changes
            throw refused.at(at);
        }
        lookups.acceptRequest();
        staged.accept(overlay, addedByCe, added, addedStatus);
        return outcomes;
    }

    /**
     * Stamps one event onto its incident as the request has left it, and stages it with the request's changes: the view,
     * the key a declare binds, the keys a resolve releases or a reopen binds again.
     */
    private TimelineEvent stage(NewEvent ne, String incidentId, Map<String, Incident> overlay, List<TimelineEvent> added,
                                Map<String, IncidentStatus> addedStatus, Map<String, TimelineEvent> addedByCe) throws SQLException {
        String ceSource = ne.effectiveCeSource();
        Incident current = current(incidentId, overlay);
        TimelineEvent event = stamper.stamp(ne, incidentId, current, ceSource);
        Incident next = IncidentProjection.apply(current, event);
        overlay.put(incidentId, next);
        if (ne.type() == EventType.DECLARE && ne.correlationKey() != null) {
            lookups.bind(ne.correlationKey(), incidentId);
        }
        if (current != null && current.isOpen() && !next.isOpen()) {
            lookups.release(incidentId);
        } else if (current != null && !current.isOpen() && next.isOpen()) {
            lookups.rebind(incidentId);
        }
        added.add(event);
        addedStatus.put(event.id(), next.status());
        addedByCe.put(GroupLookups.ceKey(ne.principal(), ceSource, event.ceId()), event);
        return event;
    }

    /**
     * The severity change a correlated alert more severe than its open incident makes ({@link CorrelatedEscalation}), or
     * {@code null}: not more severe, or this alert's escalation is stored already (a redelivery after a responder lowered
     * the severity again must not override them).
     */
    private NewEvent escalation(NewEvent alert, String incidentId, Map<String, Incident> overlay,
                                Map<String, TimelineEvent> addedByCe) throws SQLException {
        NewEvent escalation = CorrelatedEscalation.of(alert, current(incidentId, overlay));
        if (escalation == null || escalation.ceId() == null) {
            return escalation;
        }
        // Looked up here, not with the group's dedup: only an alert that outranks its incident needs it, which is rare.
        TimelineEvent stored = earlier(escalation.principal(), escalation.effectiveCeSource(), escalation.ceId(), addedByCe);
        return stored == null ? escalation : null;
    }

    /** Stages a source's new watermark: written by {@link #write}, so it commits with the events. */
    void recordProgress(SourceProgress progress) {
        staged.recordWatermark(progress.source(), progress.watermark());
    }

    /** Idempotency ids are scoped by principal: another sender's (source, id) never suppresses ours. */
    private TimelineEvent earlier(String principal, String ceSource, String ceId, Map<String, TimelineEvent> addedByCe)
            throws SQLException {
        String ceKey = GroupLookups.ceKey(principal, ceSource, ceId);
        TimelineEvent earlier = addedByCe.containsKey(ceKey) ? addedByCe.get(ceKey) : staged.byCe().get(ceKey);
        if (earlier == null && inFlight != null) {
            earlier = inFlight.staged.byCe().get(ceKey);
        }
        return earlier != null ? earlier : lookups.stored(principal, ceSource, ceId);
    }

    /**
     * A declare whose key already has an open incident adds no event of its own (its repeat is counted; a more severe one
     * then escalates the incident, see {@link #escalation}); an event addressed only by a key with no open incident has
     * nothing to apply to. Otherwise {@code null}: the event is appended.
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
        if (staged.views().containsKey(incidentId)) {
            return staged.views().get(incidentId);
        }
        return committed.get(incidentId);
    }

    /** {@code INC-<n>} from the database sequence (reserved per group), skipping numbers a caller already chose by hand. */
    private String generateIncidentId(Map<String, Incident> overlay) throws SQLException {
        while (true) {
            String candidate = IncidentNumberReservation.incidentId(lookups.nextIncidentNumber());
            if (current(candidate, overlay) == null) {
                return candidate;
            }
        }
    }

    /** Ends staging: the event rows with their global hashes, and the head this transaction will leave. */
    void seal() throws SQLException {
        SealedEventRows sealed = SealedEventRows.seal(chainKey, reads, head, staged.events(), stamper);
        rows = sealed.rows();
        headAfter = sealed.headAfter();
        // Only staging reads the group staged on. Kept, it chained each group to the one before while the writer never
        // ran dry: a sustained flood of appends filled -Xmx256m after ≈ 300k appends (issue 13, session 48).
        inFlight = null;
        lookups.stagingDone();
    }

    /**
     * Writes everything {@link #seal sealed}, a statement per table ({@link GroupWrites}), through {@code writes} (auto-commit
     * off; the caller runs the hooks and commits).
     *
     * @throws StaleHeadException staged on a head that is no longer the store's: nothing was written
     */
    List<TimelineEvent> write(Connection writes) throws SQLException {
        List<Incident> views = List.copyOf(staged.views().values());
        Map<String, String> binds = lookups.bindsToWriteWithRows();
        Map<IncidentStatus, Long> statusDelta = IncidentStatusCounts.delta(committed.loaded(), views);
        ViewChanges viewChanges = ViewChanges.of(committed.loaded(), views);
        boolean rowsWritten = lockAtWrite
                && GroupWrites.lockThenWrite(writes, dialect, head, rows, viewChanges, statusDelta, binds, now);
        if (!rowsWritten) {
            if (!rows.isEmpty()) {
                GroupWrites.insertEvents(writes, dialect, rows);
            }
            GroupWrites.writeViews(writes, dialect, viewChanges);
            IncidentStatusCounts.apply(writes, statusDelta);
        }
        GroupWrites.upsertWatermarks(writes, dialect, staged.watermarks(), now);
        lookups.flush(writes, now, rowsWritten && binds != null);
        return List.copyOf(staged.events());
    }

    /** The store's head once this transaction has committed. */
    GlobalChain.Head headAfter() {
        return headAfter;
    }

    /** Views after this transaction, by incident id. */
    Map<String, Incident> views() {
        return java.util.Collections.unmodifiableMap(staged.views());
    }

    /** The incident's status right after each event of this transaction, by event id. */
    Map<String, IncidentStatus> statusAfter() {
        return java.util.Collections.unmodifiableMap(staged.statusAfter());
    }

    /** The views this transaction changed, to remember once it has committed. */
    Collection<Incident> changedViews() {
        return staged.views().values();
    }
}
