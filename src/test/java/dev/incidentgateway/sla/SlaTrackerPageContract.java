package dev.incidentgateway.sla;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SLA tracker's scan of a page of incidents of several severities (one without a policy) and states (declared,
 * acknowledged, resolved, closed, reopened, with role assignments, other people's notes and its own notes) against the
 * per-incident reference: {@link SlaClockReader#clocks(Incident)}, one incident's clocks as the API answers them. The page read in one
 * statement (issue 13) must give the same notes and the same settled marks, on H2 and PostgreSQL.
 */
abstract class SlaTrackerPageContract extends SlaStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(
            Severity.SEV1, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10), SlaTarget.MITIGATE, Duration.ofHours(1),
                    SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null),
            Severity.SEV2, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(30), SlaTarget.RESOLVE, Duration.ofHours(8)), 75, null),
            Severity.SEV4, new SlaPolicy(Map.of(SlaTarget.RESOLVE, Duration.ofDays(1)), 80, null))); // sev3: no SLA
    private final MutableClock clock = new MutableClock(T0);

    private SlaTracker tracker() {
        return new SlaTracker(db.store, POLICIES, clock, new SimpleMeterRegistry());
    }

    private static NewEvent declare(String id, Severity severity, Instant at) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("db down").severity(severity).eventTime(at).build();
    }

    private static NewEvent event(String id, EventType type, Instant at) {
        return NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").eventTime(at).build();
    }

    private static NewEvent reopen(String id, Instant at) {
        return NewEvent.builder(EventType.STATE_CHANGE, "bob").incident(id).eventTime(at)
                .data(GatewayJson.create().createObjectNode().put("to", "acknowledged")).build();
    }

    /** An incident of each severity in each state, ids starting with {@code prefix}. */
    private static List<NewEvent> page(String prefix) {
        List<NewEvent> events = new ArrayList<>();
        for (Severity severity : Severity.values()) {
            String p = prefix + severity.wireName() + "-";
            events.add(declare(p + "declared", severity, T0));
            events.add(declare(p + "acked", severity, T0));
            events.add(event(p + "acked", EventType.ACK, T0.plus(Duration.ofMinutes(4))));
            events.add(NewEvent.builder(EventType.ROLE_ASSIGN, "bob").incident(p + "acked").eventTime(T0.plus(Duration.ofMinutes(5)))
                    .data(GatewayJson.create().createObjectNode().put("role", "commander").put("assignee", "bob")).build());
            events.add(declare(p + "resolved", severity, T0));
            events.add(event(p + "resolved", EventType.RESOLVE, T0.plus(Duration.ofMinutes(40))));
            events.add(declare(p + "closed", severity, T0.minus(Duration.ofDays(3))));
            events.add(event(p + "closed", EventType.RESOLVE, T0.minus(Duration.ofDays(2))));
            events.add(event(p + "closed", EventType.CLOSE, T0.minus(Duration.ofDays(1))));
            events.add(declare(p + "reopened", severity, T0));
            events.add(event(p + "reopened", EventType.RESOLVE, T0.plus(Duration.ofMinutes(2))));
            events.add(reopen(p + "reopened", T0.plus(Duration.ofMinutes(50))));
            // Someone else's note under the id the tracker would give its breach note: not the tracker's, counts for nothing.
            events.add(declare(p + "lookalike", severity, T0));
            events.add(NewEvent.builder(EventType.NOTE, "mallory").incident(p + "lookalike").content("not the tracker").principal("key:mallory")
                    .ceSource(SlaTracker.CE_SOURCE).ceId(SlaTracker.noteId(p + "lookalike", SlaTarget.ACKNOWLEDGE, SlaTracker.BREACH))
                    .eventTime(T0.plus(Duration.ofMinutes(1))).build());
        }
        return events;
    }

    @Test
    void aPageOfIncidentsOfSeveralSeveritiesAndStatesGivesTheNotesAndMarksOfTheWholeTimelines() throws Exception {
        db.store.appendAll(page("PAGE-"));

        // A first scan after these events records what is due then; later events change some clocks.
        clock.set(T0.plus(Duration.ofMinutes(55)));
        SlaTracker following = tracker();
        db.store.appendAll(following.dueNotes().stream().filter(n -> n.incidentId().startsWith("PAGE-")).toList());
        db.store.appendAll(List.of(event("PAGE-sev1-declared", EventType.ACK, T0.plus(Duration.ofMinutes(60))),
                event("PAGE-sev2-declared", EventType.MITIGATE, T0.plus(Duration.ofMinutes(70)))));
        db.store.appendAll(page("LATE-")); // new since the first scan: their whole timelines are among the events since
        String recorded = SlaTracker.noteId("LATE-sev1-declared", SlaTarget.ACKNOWLEDGE, SlaTracker.WARNING); // as if by another tracker
        db.store.append(NewEvent.builder(EventType.NOTE, "sla").incident("LATE-sev1-declared").content("SLA at risk")
                .principal(SlaTracker.PRINCIPAL).ceSource(SlaTracker.CE_SOURCE).ceId(recorded).eventTime(T0.plus(Duration.ofMinutes(8))).build());

        clock.set(T0.plus(Duration.ofMinutes(390)));
        List<String> ids = pageIds();
        Map<String, List<String>> expected = expectedNotes(ids);
        assertThat(expected.values().stream().mapToInt(List::size).sum()).isGreaterThan(5); // the page has notes due
        List<NewEvent> due = following.dueNotes(); // after its first scan: the incidents with events since
        assertThat(noteIds(due, ids)).isEqualTo(expected);
        assertThat(expected.get("LATE-sev1-declared")).isNotEmpty().doesNotContain(recorded);
        assertMarks(ids, expected);
        assertThat(noteIds(tracker().dueNotes(), ids)).isEqualTo(expected); // a new tracker's first scan: the same
        assertMarks(ids, expected);

        db.store.appendAll(due);
        assertThat(tracker().dueNotes()).noneMatch(n -> ids.contains(n.incidentId()));
        Map<String, List<String>> none = expectedNotes(ids);
        assertThat(none.values()).allMatch(List::isEmpty);
        assertMarks(ids, none);
        for (String id : ids) { // the marks and notes are what verify derives from the logs: nothing to report
            assertThat(db.store.verifier().verify(id).broken()).as(id).isEmpty();
        }
    }

    @Test
    void aMarkFindsTheRowAnotherTrackerWroteMeanwhileAndNeverMovesItBack() throws Exception {
        SlaIncidents incidents = new SlaIncidents(db.store);
        Instant now = T0;
        incidents.settleAll(List.of(new SlaIncidents.Mark("RACE-1", 3, null, null, false),
                new SlaIncidents.Mark("RACE-2", 5, null, null, false)), now);
        // Read before the rows existed (marked false): the insert finds them and the mark updates instead...
        incidents.settleAll(List.of(new SlaIncidents.Mark("RACE-1", 4, now, "p", false),
                // ... but never to an older last_seq; a mark read with a row (marked true) whose row moved on is left too.
                new SlaIncidents.Mark("RACE-2", 4, now, "p", false), new SlaIncidents.Mark("RACE-2", 4, now, "p", true)), now);
        assertThat(db.settled("RACE-1")).isEqualTo(new SlaTestStore.Settled(4, now, "p"));
        assertThat(db.settled("RACE-2")).isEqualTo(new SlaTestStore.Settled(5, null, null));
    }

    private static List<String> pageIds() {
        List<String> ids = new ArrayList<>();
        for (String prefix : List.of("PAGE-", "LATE-")) {
            for (Severity severity : Severity.values()) {
                for (String kind : List.of("declared", "acked", "resolved", "closed", "reopened", "lookalike")) {
                    ids.add(prefix + severity.wireName() + "-" + kind);
                }
            }
        }
        return ids;
    }

    /** Per incident, the ids of the notes due now by the reference: every clock of the whole timeline, minus those stored. */
    private Map<String, List<String>> expectedNotes(List<String> ids) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        SlaClockReader reference = new SlaClockReader(db.store, POLICIES, clock);
        for (String id : ids) {
            Incident incident = db.store.incident(id).orElseThrow();
            Set<String> recorded = db.store.timeline(id, null, 1000).stream()
                    .filter(e -> e.type() == EventType.NOTE && SlaTracker.PRINCIPAL.equals(e.principal()))
                    .map(TimelineEvent::ceId).collect(Collectors.toSet());
            List<String> notes = new ArrayList<>();
            for (SlaClock c : reference.clocks(incident)) {
                if (c.warningReached() && !c.breached()) { // a breach found with its warning unrecorded comes alone
                    notes.add(SlaTracker.noteId(id, c.target(), SlaTracker.WARNING));
                }
                if (c.breached()) {
                    notes.add(SlaTracker.noteId(id, c.target(), SlaTracker.BREACH));
                }
            }
            notes.removeAll(recorded);
            out.put(id, notes);
        }
        return out;
    }

    private static Map<String, List<String>> noteIds(List<NewEvent> due, List<String> ids) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        ids.forEach(id -> out.put(id, new ArrayList<>()));
        due.stream().filter(n -> out.containsKey(n.incidentId())).forEach(n -> out.get(n.incidentId()).add(n.ceId()));
        return out;
    }

    /**
     * Incidents with notes due are not settled at their current seq; the others are, until their next event (resolved,
     * closed, or no policy: recheck never) or until the next note of a running clock can fall due.
     */
    private void assertMarks(List<String> ids, Map<String, List<String>> notesDue) throws Exception {
        SlaClockReader reference = new SlaClockReader(db.store, POLICIES, clock);
        for (String id : ids) {
            Incident incident = db.store.incident(id).orElseThrow();
            SlaTestStore.Settled row = db.settled(id);
            if (!notesDue.get(id).isEmpty()) {
                assertThat(row == null || row.lastSeq() != incident.lastSeq() || row.recheckAt() != null
                        && !row.recheckAt().isAfter(clock.instant())).as(id + " not settled").isTrue();
                continue;
            }
            boolean stopped = incident.status() == IncidentStatus.RESOLVED || incident.status() == IncidentStatus.CLOSED;
            Instant next = SlaIncidents.FOREVER;
            for (SlaClock c : reference.clocks(incident)) {
                Instant moment = c.completedAt() != null ? null : !c.warningReached() ? c.warningAt() : !c.breached() ? c.dueAt() : null;
                next = moment == null || next.isBefore(moment) ? next : moment;
            }
            assertThat(row).as(id).isEqualTo(stopped ? new SlaTestStore.Settled(incident.lastSeq(), null, null)
                    : new SlaTestStore.Settled(incident.lastSeq(), next, POLICIES.fingerprint()));
        }
    }

    /**
     * An incident of more events than {@link SlaTimelines#WINDOW} is read alone, a window of seqs a statement (one read of
     * a huge incident ran past the statement timeout and failed the whole scan): windows of every size from 1 give the
     * timeline the one-statement read gives, clock events on and across the windows' edges, the tracker's own notes, and
     * events appended after the incident was listed (its last seq then) included.
     */
    @Test
    void anIncidentReadInWindowsOfSeqsGivesTheTimelineOfOneRead() {
        String id = "WIN-1";
        Instant t = T0;
        db.store.append(declare(id, Severity.SEV1, t));
        List<EventType> types = List.of(EventType.NOTE, EventType.NOTE, EventType.ACK, EventType.NOTE, EventType.ROLE_ASSIGN,
                EventType.MITIGATE, EventType.RESOLVE, EventType.NOTE);
        for (EventType type : types) {
            t = t.plus(Duration.ofMinutes(1));
            NewEvent.Builder event = NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").eventTime(t);
            if (type == EventType.ROLE_ASSIGN) {
                event.data(GatewayJson.create().createObjectNode().put("role", "commander").put("assignee", "bob"));
            }
            db.store.append(event.build());
        }
        String own = SlaTracker.noteId(id, SlaTarget.ACKNOWLEDGE, SlaTracker.WARNING);
        db.store.append(NewEvent.builder(EventType.NOTE, "sla").incident(id).content("SLA at risk").principal(SlaTracker.PRINCIPAL)
                .ceSource(SlaTracker.CE_SOURCE).ceId(own).eventTime(t.plus(Duration.ofMinutes(1))).build());
        long listedAt = db.store.incident(id).orElseThrow().lastSeq();
        db.store.append(reopen(id, t.plus(Duration.ofMinutes(2)))); // after the incident was listed
        db.store.append(event(id, EventType.NOTE, t.plus(Duration.ofMinutes(3))));

        SlaTimelines.Timeline whole = new SlaTimelines(db.store).of(Map.of(id, listedAt)).get(id);
        assertThat(whole.clockEvents()).extracting(TimelineEvent::type).containsExactly(EventType.DECLARE, EventType.ACK,
                EventType.MITIGATE, EventType.RESOLVE, EventType.STATE_CHANGE);
        assertThat(whole.recordedNotes()).containsExactly(own);
        for (int window = 1; window <= listedAt + 1; window++) {
            SlaTimelines.Timeline windowed = new SlaTimelines(db.store, window).of(Map.of(id, listedAt)).get(id);
            assertThat(windowed.clockEvents()).as("window %d", window).isEqualTo(whole.clockEvents());
            assertThat(windowed.recordedNotes()).as("window %d", window).isEqualTo(whole.recordedNotes());
        }
    }

    /**
     * Notes and role assignments never move a clock: an incident with only those since the last scan keeps its settled
     * mark and is not read again for them (a long, chatty incident was re-read whole on every scan), and its warning
     * still falls due at its moment. An event that moves a clock has it read again.
     */
    @Test
    void anIncidentWithOnlyNotesSinceTheLastScanIsNotReadAgainYetItsWarningFallsDue() throws Exception {
        String id = "CHAT-1";
        db.store.append(declare(id, Severity.SEV1, T0)); // acknowledge within 10 min, warning at 80 %: 8 min
        clock.set(T0.plus(Duration.ofMinutes(1)));
        SlaTracker scans = tracker();
        assertThat(scans.dueNotes()).noneMatch(n -> n.incidentId().equals(id));
        SlaTestStore.Settled mark = db.settled(id);
        assertThat(mark).isEqualTo(new SlaTestStore.Settled(1, T0.plus(Duration.ofMinutes(8)), POLICIES.fingerprint()));

        for (int i = 0; i < 3; i++) {
            db.store.append(event(id, EventType.NOTE, T0.plus(Duration.ofMinutes(2))));
        }
        clock.set(T0.plus(Duration.ofMinutes(3)));
        assertThat(scans.dueNotes()).noneMatch(n -> n.incidentId().equals(id));
        assertThat(db.settled(id)).as("not read again for its notes").isEqualTo(mark);

        clock.set(T0.plus(Duration.ofMinutes(8)));
        List<NewEvent> warning = scans.dueNotes().stream().filter(n -> n.incidentId().equals(id)).toList();
        assertThat(warning).extracting(NewEvent::ceId).containsExactly(SlaTracker.noteId(id, SlaTarget.ACKNOWLEDGE, SlaTracker.WARNING));
        db.store.appendAll(warning); // seq 5

        db.store.append(event(id, EventType.ACK, T0.plus(Duration.ofMinutes(9))));
        clock.set(T0.plus(Duration.ofMinutes(9)));
        assertThat(scans.dueNotes()).noneMatch(n -> n.incidentId().equals(id));
        assertThat(db.settled(id).lastSeq()).as("read again for its ack").isEqualTo(6);
    }
}
