package dev.incidentgateway.sla;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SLA tracker after long downtime and over many closed incidents (H2 and PostgreSQL subclasses): a breach that fell
 * due while no gateway ran is recorded on start, once, however long ago the incident was resolved; settled incidents
 * are not read again until their next event.
 */
abstract class SlaDowntimeContract extends SlaStoreContract {
    private static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(Severity.SEV1, new SlaPolicy(Map.of(
            SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null)));
    private final MutableClock clock = new MutableClock(T0);

    /** The tracker's notes and settled marks are what verify derives from the logs: nothing to report (no false positive). */
    @AfterEach
    void verifiesIntact() throws java.sql.SQLException {
        assertThat(db.store.verifier().verifyAll().broken()).isEmpty();
    }

    private SlaTracker tracker() {
        return new SlaTracker(db.store, POLICIES, clock, new SimpleMeterRegistry());
    }

    private static List<NewEvent> incident(String id, Instant declared, Duration ackAfter, Duration resolveAfter) {
        List<NewEvent> events = new ArrayList<>();
        events.add(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("db down").severity(Severity.SEV1).eventTime(declared).build());
        if (ackAfter != null) {
            events.add(NewEvent.builder(EventType.ACK, "bob").incident(id).eventTime(declared.plus(ackAfter)).build());
        }
        if (resolveAfter != null) {
            events.add(NewEvent.builder(EventType.RESOLVE, "bob").incident(id).eventTime(declared.plus(resolveAfter)).build());
        }
        return events;
    }

    private static Long settledSeq(String id) throws Exception {
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM sla_settled WHERE incident_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    @Test
    void anAckBreachThatFellDueWhileNoGatewayRanIsRecordedOnStartOnce() throws Exception {
        // Acknowledged 50 minutes late and resolved within the hour, a month ago, while no gateway was running.
        String id = "DOWN-1";
        db.store.appendAll(incident(id, T0, Duration.ofMinutes(50), Duration.ofMinutes(55)));
        clock.set(T0.plus(Duration.ofDays(30)));
        try (CamelContext first = db.startTrackerRoute(tracker())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(db.slaNotes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1));
        }
        assertOneAckBreach(id);
        long seqAfterFirst = db.store.incident(id).orElseThrow().lastSeq();
        clock.set(T0.plus(Duration.ofDays(31)));
        try (CamelContext second = db.startTrackerRoute(tracker())) {
            // the second start's scan ran once the incident is settled at its current seq: nothing left to record
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(settledSeq(id)).isEqualTo(seqAfterFirst));
        }
        assertOneAckBreach(id);
        assertThat(db.store.incident(id).orElseThrow().lastSeq()).isEqualTo(seqAfterFirst);
    }

    @Test
    void settledIncidentsAreNotReadAgainUntilTheirNextEvent() {
        clock.set(T0.plus(Duration.ofDays(400)));
        List<NewEvent> closed = new ArrayList<>();
        int count = SlaIncidents.PAGE * 2 + 100; // more than two pages
        for (int i = 0; i < count; i++) {
            closed.addAll(incident(String.format("DONE-%05d", i), T0.plusSeconds(i), Duration.ofMinutes(1), Duration.ofMinutes(30)));
            if (closed.size() >= 300) {
                db.store.appendAll(closed);
                closed.clear();
            }
        }
        db.store.appendAll(closed);
        db.store.appendAll(incident("OPEN-1", T0, Duration.ofMinutes(1), null));
        SlaIncidents incidents = new SlaIncidents(db.store);
        assertThat(doneIncidents(incidents)).hasSize(count); // never scanned yet: all of them
        assertThat(tracker().dueNotes()).noneMatch(n -> n.incidentId().startsWith("DONE-")); // all met: nothing due
        assertThat(doneIncidents(incidents)).isEmpty(); // ... and now settled
        assertThat(allUnsettled(incidents)).contains("OPEN-1"); // an open one stays in every scan
        // A step of the walk covers PAGE incident ids, settled or not: a statement for "the next PAGE unsettled" read
        // every incident when nearly all were settled, and at 100k it outlasted the statement timeout (issue 13).
        SlaIncidents.Walk step = incidents.unsettled("DONE-");
        assertThat(step.candidates()).isEmpty();
        assertThat(step.lastId()).isEqualTo(String.format("DONE-%05d", SlaIncidents.PAGE - 1));

        var data = GatewayJson.create().createObjectNode().put("to", "acknowledged");
        db.store.append(NewEvent.builder(EventType.STATE_CHANGE, "carol").incident("DONE-00007").eventTime(T0.plus(Duration.ofDays(399)))
                .data(data).build()); // a reopen a year later: the resolve clock resumes
        assertThat(doneIncidents(incidents)).containsExactly("DONE-00007");
        List<NewEvent> due = tracker().dueNotes();
        assertThat(due).filteredOn(n -> n.incidentId().equals("DONE-00007")) // breached at once: its warning is moot
                .extracting(n -> n.data().path("kind").asText()).containsExactly(SlaTracker.BREACH);
    }

    @Test
    void anOpenIncidentWithItsNotesStoredIsNotReadAgainUntilItsNextNoteCanFallDue() {
        // Issue 13: at 100k open incidents the tracker cannot read every timeline on every scan.
        String id = "QUIET-1";
        Instant declared = T0.plus(Duration.ofDays(500));
        db.store.appendAll(incident(id, declared, null, null)); // sev1: acknowledge in 10 min, warning at 80 % = 8 min
        SlaIncidents incidents = new SlaIncidents(db.store);
        String policy = POLICIES.fingerprint();

        clock.set(declared.plus(Duration.ofMinutes(1)));
        assertThat(tracker().dueNotes()).noneMatch(n -> n.incidentId().equals(id));
        assertThat(unsettledAt(incidents, clock.instant(), policy)).doesNotContain(id); // settled until 8 min
        clock.set(declared.plus(Duration.ofMinutes(7)));
        assertThat(unsettledAt(incidents, clock.instant(), policy)).doesNotContain(id);
        assertThat(unsettledAt(incidents, clock.instant(), "other policies")).contains(id); // another sla.yaml: look again

        clock.set(declared.plus(Duration.ofMinutes(8)));
        assertThat(unsettledAt(incidents, clock.instant(), policy)).contains(id); // its warning can be due now
        List<NewEvent> due = tracker().dueNotes();
        assertThat(due).filteredOn(n -> n.incidentId().equals(id)).extracting(n -> n.data().path("kind").asText())
                .containsExactly(SlaTracker.WARNING);
        db.store.appendAll(due.stream().filter(n -> n.incidentId().equals(id)).toList());
        assertThat(tracker().dueNotes()).noneMatch(n -> n.incidentId().equals(id)); // recorded: settled until the breach
        assertThat(unsettledAt(incidents, clock.instant(), policy)).doesNotContain(id);

        db.store.append(NewEvent.builder(EventType.ACK, "bob").incident(id).eventTime(clock.instant()).build());
        assertThat(unsettledAt(incidents, clock.instant(), policy)).contains(id); // a new event: looked at again
        clock.set(declared.plus(Duration.ofHours(5)));
        assertThat(tracker().dueNotes()).filteredOn(n -> n.incidentId().equals(id)).extracting(n -> n.data().path("kind").asText())
                .containsExactly(SlaTracker.BREACH); // the resolve clock kept running meanwhile (its warning is moot now)
    }

    @Test
    void afterItsFirstScanATrackerReadsOnlyWhatChangedWhatCameDueAndWhatItCouldNotRecord() {
        Instant declared = T0.plus(Duration.ofDays(600));
        db.store.appendAll(incident("INCR-1", declared, null, null));
        SlaTracker tracker = tracker(); // one tracker across scans, like the gateway's
        clock.set(declared.plus(Duration.ofMinutes(1)));
        assertThat(tracker.dueNotes()).noneMatch(n -> n.incidentId().startsWith("INCR-")); // the first (full) scan

        clock.set(declared.plus(Duration.ofMinutes(8))); // INCR-1's warning moment: found without a full scan
        assertThat(kinds(tracker.dueNotes(), "INCR-1")).containsExactly(SlaTracker.WARNING);
        List<NewEvent> again = tracker.dueNotes(); // not appended (a failed append): offered again
        assertThat(kinds(again, "INCR-1")).containsExactly(SlaTracker.WARNING);
        db.store.appendAll(again.stream().filter(n -> n.incidentId().equals("INCR-1")).toList());
        assertThat(tracker.dueNotes()).noneMatch(n -> n.incidentId().equals("INCR-1"));

        // A new incident declared (with an old declaration time) after the last scan: found by its events.
        db.store.appendAll(incident("INCR-2", declared.minus(Duration.ofMinutes(30)), null, null));
        assertThat(kinds(tracker.dueNotes(), "INCR-2")).containsExactly(SlaTracker.BREACH); // late: the breach alone
    }

    private static List<String> kinds(List<NewEvent> notes, String incidentId) {
        return notes.stream().filter(n -> n.incidentId().equals(incidentId) && n.data().path("target").asText().equals("acknowledge"))
                .map(n -> n.data().path("kind").asText()).toList();
    }

    private static List<String> unsettledAt(SlaIncidents incidents, Instant now, String policy) {
        List<String> out = new ArrayList<>();
        SlaIncidents.Walk step;
        String after = "";
        while ((step = incidents.unsettled(after, now, policy)).lastId() != null) {
            step.candidates().forEach(i -> out.add(i.id()));
            after = step.lastId();
        }
        return out;
    }

    private static List<String> doneIncidents(SlaIncidents incidents) {
        return allUnsettled(incidents).stream().filter(id -> id.startsWith("DONE-")).toList();
    }

    private static List<String> allUnsettled(SlaIncidents incidents) {
        List<String> out = new ArrayList<>();
        SlaIncidents.Walk step;
        String after = "";
        while ((step = incidents.unsettled(after)).lastId() != null) {
            step.candidates().forEach(i -> out.add(i.id()));
            after = step.lastId();
        }
        return out;
    }

    private static void assertOneAckBreach(String id) {
        assertThat(db.slaNotes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        assertThat(db.slaNotes(id, SlaTracker.WARNING, SlaTarget.ACKNOWLEDGE)).as("found breached: no warning").isEmpty();
        assertThat(db.slaNotes(id, SlaTracker.BREACH, SlaTarget.RESOLVE)).isEmpty(); // resolved in 55 minutes: met
    }
}
