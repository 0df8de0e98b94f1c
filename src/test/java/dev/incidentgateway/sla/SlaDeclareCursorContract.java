package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, ingest CPU (H2 and PostgreSQL subclasses): a tracker past its first scan leaves a brand-new incident on
 * which no note can be due yet to its declare cursor ({@link SlaDeclareCursor}): no look, no settled mark. The incident
 * still gets its warning once its moment comes, its next event still gets it looked at, and a late declare (an old
 * time) is looked at at once.
 */
abstract class SlaDeclareCursorContract extends SlaStoreContract {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Each test its own day: the cursor ranges of one test hold none of another's incidents. */
    private static final Instant DAY0 = Instant.parse("2026-09-01T08:00:00Z");
    /** sev1: acknowledge in 15 min (warning at 80 %: 12 min), resolve in 4 h; the earliest note of any policy: 12 min. */
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(
            Severity.SEV1, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(15), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null),
            Severity.SEV3, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofHours(4)), 80, null)));
    private static final Duration WARNING = Duration.ofMinutes(12);

    private final MutableClock clock = new MutableClock(DAY0);
    /** One tracker across scans, as a gateway's, past its first (full) scan. */
    private SlaTracker tracker;

    /** The tracker's marks and notes are what verify derives from the logs: nothing to report. */
    @AfterEach
    void verifiesIntact() throws java.sql.SQLException {
        assertThat(db.store.verifier().verifyAll().broken()).isEmpty();
    }

    /** A tracker that has made its first scan at {@code t0} (the day of the test): from then on it follows changes. */
    private Instant startedTracker(int day) {
        Instant t0 = DAY0.plus(Duration.ofDays(day));
        clock.set(t0);
        tracker = new SlaTracker(db.store, POLICIES, clock, new SimpleMeterRegistry());
        tracker.dueNotes();
        return t0;
    }

    private static String declare(Severity severity, Instant at) {
        String id = "NEW-" + IDS.incrementAndGet();
        db.store.append(NewEvent.builder(EventType.DECLARE, "alertmanager").incident(id).title("HighLatency").severity(severity)
                .eventTime(at).build());
        return id;
    }

    /** Scans at {@code at} and appends what is due, as the tracker route does; returns the kinds of {@code id}'s notes. */
    private List<String> scanAt(Instant at, String id) {
        clock.set(at);
        List<NewEvent> due = tracker.dueNotes();
        db.store.appendAll(due);
        return due.stream().filter(n -> n.incidentId().equals(id))
                .map(n -> n.data().path("kind").asText() + ":" + n.data().path("target").asText()).toList();
    }

    @Test
    void aNewIncidentIsNeitherLookedAtNorMarkedUntilItsFirstNoteCanBeDueAndThenGetsItsWarning() throws Exception {
        Instant t0 = startedTracker(0);
        String id = declare(Severity.SEV1, t0);
        assertThat(scanAt(t0.plusSeconds(30), id)).isEmpty();
        assertThat(settled(id)).as("left to the declare cursor: no mark").isNull();
        assertThat(scanAt(t0.plus(WARNING).minusSeconds(1), id)).isEmpty();
        assertThat(settled(id)).isNull();

        assertThat(scanAt(t0.plus(WARNING), id)).containsExactly("sla_warning:acknowledge");
        assertThat(db.slaNotes(id, SlaTracker.WARNING, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        assertThat(scanAt(t0.plus(WARNING).plusSeconds(30), id)).isEmpty(); // recorded: settled until its breach
        assertThat(settled(id)).isNotNull();
        assertThat(scanAt(t0.plus(Duration.ofMinutes(15)), id)).containsExactly("sla_breach:acknowledge");
    }

    @Test
    void aSev3IncidentComesBackAtTheEarliestNoteOfAnyPolicyAndIsMarkedUntilItsOwn() throws Exception {
        Instant t0 = startedTracker(1);
        String id = declare(Severity.SEV3, t0); // its own warning at 3h12m; the cursor knows only the least of all: 12 min
        assertThat(scanAt(t0.plusSeconds(30), id)).isEmpty();
        assertThat(settled(id)).isNull();
        assertThat(scanAt(t0.plus(WARNING), id)).isEmpty();
        assertThat(settled(id)).as("looked at once the cursor reached it, settled until its own warning")
                .isEqualTo(t0.plus(Duration.ofMinutes(192)));
        assertThat(scanAt(t0.plus(Duration.ofMinutes(192)), id)).containsExactly("sla_warning:acknowledge");
    }

    @Test
    void aLateDeclareIsLookedAtOnTheFirstScanAfterItArrives() {
        Instant t0 = startedTracker(2);
        String id = declare(Severity.SEV1, t0.minus(Duration.ofHours(6))); // an alert delivered six hours late
        assertThat(scanAt(t0.plusSeconds(30), id)).containsExactlyInAnyOrder("sla_breach:acknowledge", "sla_breach:resolve");
        String warned = declare(Severity.SEV1, t0.plusSeconds(60).minus(WARNING)); // the next scan is exactly at its warning moment
        assertThat(scanAt(t0.plusSeconds(60), warned)).containsExactly("sla_warning:acknowledge");
    }

    @Test
    void anIncidentLeftToTheCursorAndThenAcknowledgedIsLookedAtForItsEvent() throws Exception {
        Instant t0 = startedTracker(3);
        String id = declare(Severity.SEV1, t0);
        assertThat(scanAt(t0.plusSeconds(30), id)).isEmpty();
        assertThat(settled(id)).isNull();
        db.store.append(NewEvent.builder(EventType.ACK, "bob").incident(id).eventTime(t0.plus(Duration.ofMinutes(2))).build());
        assertThat(scanAt(t0.plus(Duration.ofMinutes(3)), id)).isEmpty();
        assertThat(settled(id)).as("the changed pass looked at it: settled until the resolve warning (80 % of 4 h)")
                .isEqualTo(t0.plus(Duration.ofMinutes(192)));
        assertThat(scanAt(t0.plus(Duration.ofMinutes(192)), id)).containsExactly("sla_warning:resolve");
    }

    @Test
    void aDeclareTimedAheadOfOurClockWaitsForItsOwnTimeAndAClockGoingBackSkipsNothing() throws Exception {
        Instant t0 = startedTracker(4);
        String ahead = declare(Severity.SEV1, t0.plus(Duration.ofHours(1))); // the sender's clock runs an hour ahead
        assertThat(scanAt(t0.plusSeconds(30), ahead)).isEmpty();
        assertThat(settled(ahead)).isNull();
        // The clock jumps forward, the cursor with it; then back: an incident declared meanwhile at the earlier time is
        // still found (the cursor never moves back, so it is looked at at once).
        assertThat(scanAt(t0.plus(Duration.ofMinutes(40)), ahead)).isEmpty();
        String meanwhile = declare(Severity.SEV1, t0.plus(Duration.ofMinutes(20)));
        assertThat(scanAt(t0.plus(Duration.ofMinutes(10)), meanwhile)).isEmpty();
        assertThat(settled(meanwhile)).isEqualTo(t0.plus(Duration.ofMinutes(32)));
        assertThat(scanAt(t0.plus(Duration.ofMinutes(32)), meanwhile)).containsExactly("sla_warning:acknowledge");

        assertThat(scanAt(t0.plus(Duration.ofHours(1)).plus(WARNING), ahead)).containsExactly("sla_warning:acknowledge");
    }

    /** The recheck moment of the incident's settled mark ({@link SlaIncidents#FOREVER} for none); {@code null}: no mark. */
    private static Instant settled(String id) throws Exception {
        SlaTestStore.Settled row = db.settled(id);
        return row == null ? null : row.recheckAt() == null ? SlaIncidents.FOREVER : row.recheckAt();
    }
}
