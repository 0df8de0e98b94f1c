package dev.incidentgateway.sla;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SLA tracker against a real store (H2 and PostgreSQL subclasses), with an injectable clock: a breach is recorded
 * exactly once by two trackers at once, after a restart and across clock changes; one that fell due while the gateway
 * was down is recorded by the route's first scan; a reopen resumes the resolve clock; the clocks' states.
 */
abstract class SlaTrackerContract {
    private static final AtomicInteger IDS = new AtomicInteger(100);
    private static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(Severity.SEV1, new SlaPolicy(Map.of(
            SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null),
            Severity.SEV3, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofHours(4)), 80, null)));
    private static SlaTestStore db;
    private static TimelineStore store;
    private static TimelineStore secondInstance;

    private final MutableClock clock = new MutableClock(T0);

    abstract TestStore.Kind kind();

    @BeforeEach
    void openStore() {
        if (db == null) {
            db = SlaTestStore.open(kind());
            store = db.store;
            // PostgreSQL: a second writer, as a second gateway on the same database (the append lock serializes them).
            // H2 is embedded: one gateway owns the file, so the second tracker shares its writer.
            secondInstance = kind() == TestStore.Kind.POSTGRESQL ? db.newWriter() : store;
        }
    }

    /** The tracker's notes and settled marks are what verify derives from the logs: nothing to report (no false positive). */
    @AfterEach
    void verifiesIntact() throws java.sql.SQLException {
        assertThat(store.verifier().verifyAll().broken()).isEmpty();
    }

    @AfterAll
    static void closeStore() {
        if (db != null) {
            if (secondInstance != store) {
                secondInstance.close();
            }
            db.close();
        }
        db = null;
        store = null;
    }

    private SlaTracker tracker(TimelineStore on) {
        return new SlaTracker(on, POLICIES, clock, new SimpleMeterRegistry());
    }

    private static String declare(Instant at) {
        String id = "SLA-" + IDS.incrementAndGet();
        store.append(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("db down").severity(Severity.SEV1)
                .eventTime(at).build());
        return id;
    }

    private static void event(String id, EventType type, Instant at, String stateChangeTo) {
        var data = GatewayJson.create().createObjectNode();
        if (stateChangeTo != null) {
            data.put("to", stateChangeTo);
        }
        store.append(NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").eventTime(at).data(data).build());
    }

    private static List<TimelineEvent> notes(String id, String kind, SlaTarget target) {
        return db.slaNotes(id, kind, target);
    }

    private static List<NewEvent> of(List<NewEvent> due, String incidentId) {
        return due.stream().filter(n -> incidentId.equals(n.incidentId())).toList();
    }

    private static void appendEach(TimelineStore on, List<NewEvent> notes) {
        notes.forEach(on::append);
    }

    @Test
    void twoTrackersAtOnceRecordEachBreachOnce() throws Exception {
        String id = declare(T0);
        clock.set(T0.plus(Duration.ofMinutes(30)));
        List<NewEvent> first = of(tracker(store).dueNotes(), id);
        List<NewEvent> second = of(tracker(secondInstance).dueNotes(), id);
        assertThat(first).hasSize(1); // acknowledge: the breach (found breached: no warning); resolve is still running
        assertThat(second).hasSize(1); // both found it before either recorded: only the append's idempotency decides
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> { awaitLatch(start); appendEach(store, first); });
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> { awaitLatch(start); appendEach(secondInstance, second); });
        start.countDown();
        CompletableFuture.allOf(a, b).get();
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        TimelineEvent breach = notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE).get(0);
        assertThat(breach.principal()).isEqualTo("system:sla");
        assertThat(breach.data().path("dueAt").asText()).isEqualTo(T0.plus(Duration.ofMinutes(10)).toString());
    }

    @Test
    void aNoteSaysWhenItWasDueToTheSecondAndItsDataKeepsTheInstant() {
        Instant declaredAt = T0.plusNanos(178_794_000); // a REST declare's time, with its microseconds
        String id = declare(declaredAt);
        clock.set(T0.plus(Duration.ofMinutes(9))); // past the warning (80 %), before the breach: a clock found breached gets its breach alone
        NewEvent warning = of(tracker(store).dueNotes(), id).stream()
                .filter(n -> SlaTracker.WARNING.equals(n.data().path("kind").asText())).findFirst().orElseThrow();
        clock.set(T0.plus(Duration.ofMinutes(30)));
        NewEvent breach = of(tracker(store).dueNotes(), id).stream()
                .filter(n -> SlaTracker.BREACH.equals(n.data().path("kind").asText())).findFirst().orElseThrow();
        assertThat(breach.content()).isEqualTo("SLA breached: time to acknowledge (10m) was due at 2026-06-01T08:10:00Z");
        assertThat(warning.content()).endsWith("is due at 2026-06-01T08:10:00Z");
        assertThat(breach.data().path("dueAt").asText()).isEqualTo(declaredAt.plus(Duration.ofMinutes(10)).toString());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An alert delivered late (or a gateway that was down): both clocks are breached when first seen. One note per
     * target, the breach, not a warning and a breach in the same second; and no later scan adds the moot warning.
     */
    @Test
    void aClockFoundBreachedGetsItsBreachAloneAndNeverItsWarning() {
        String id = declare(T0);
        clock.set(T0.plus(Duration.ofHours(5)));
        List<NewEvent> due = of(tracker(store).dueNotes(), id);
        assertThat(due).extracting(n -> n.data().path("kind").asText() + ":" + n.data().path("target").asText())
                .containsExactlyInAnyOrder("sla_breach:acknowledge", "sla_breach:resolve");
        appendEach(store, due);
        clock.set(T0.plus(Duration.ofHours(6)));
        assertThat(of(tracker(store).dueNotes(), id)).as("a later scan, by a new tracker").isEmpty();
        assertThat(notes(id, SlaTracker.WARNING, SlaTarget.ACKNOWLEDGE)).isEmpty();
        assertThat(notes(id, SlaTracker.WARNING, SlaTarget.RESOLVE)).isEmpty();

        // A warning that was due but not recorded (its append failed) is moot too once the clock has breached.
        String late = declare(T0);
        clock.set(T0.plus(Duration.ofMinutes(9)));
        SlaTracker tracker = tracker(store);
        assertThat(of(tracker.dueNotes(), late)).extracting(n -> n.data().path("kind").asText()).containsExactly(SlaTracker.WARNING);
        clock.set(T0.plus(Duration.ofMinutes(11)));
        assertThat(of(tracker.dueNotes(), late)).extracting(n -> n.data().path("kind").asText()).containsExactly(SlaTracker.BREACH);
    }

    @Test
    void aRestartedTrackerAndAClockGoingBackAndForthAddNothing() {
        String id = declare(T0);
        clock.set(T0.plus(Duration.ofMinutes(11)));
        appendEach(store, of(tracker(store).dueNotes(), id));
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        SlaTracker restarted = tracker(store); // a new instance: nothing carried over in memory
        assertThat(of(restarted.dueNotes(), id)).isEmpty();
        clock.set(T0.plus(Duration.ofMinutes(5))); // the clock jumps back
        assertThat(of(restarted.dueNotes(), id)).isEmpty();
        clock.set(T0.plus(Duration.ofMinutes(20)));
        List<NewEvent> again = of(restarted.dueNotes(), id);
        assertThat(again).isEmpty();
        // and even a note built again for the same breach is a no-op
        NewEvent repeat = NewEvent.builder(EventType.NOTE, "sla").incident(id).content("again").source(SlaTracker.CE_SOURCE)
                .ceSource(SlaTracker.CE_SOURCE).ceId(SlaTracker.noteId(id, SlaTarget.ACKNOWLEDGE, SlaTracker.BREACH))
                .principal(SlaTracker.PRINCIPAL).build();
        assertThat(store.append(repeat).duplicate()).isTrue();
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
    }

    @Test
    void aBreachThatFellDueWhileDownIsRecordedByTheFirstScanOfTheRoute() throws Exception {
        String id = declare(T0);
        clock.set(T0.plus(Duration.ofHours(5))); // "the gateway was down" for five hours: nothing ran
        try (CamelContext camel = db.startTrackerRoute(tracker(store))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(notes(id, SlaTracker.BREACH, SlaTarget.RESOLVE)).hasSize(1));
            assertThat(notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        }
    }

    @Test
    void anIncidentEscalatedFromSev3ToSev1GetsTheSev1Breach() {
        String watched = "SLA-" + IDS.incrementAndGet(); // scanned before and after by one tracker (the events-since path)
        String fresh = "SLA-" + IDS.incrementAndGet();   // settled, then read by a tracker started after the change
        for (String id : List.of(watched, fresh)) {
            store.append(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("slow checkout").severity(Severity.SEV3)
                    .eventTime(T0).build());
        }
        SlaTracker tracker = tracker(store);
        clock.set(T0.plus(Duration.ofMinutes(15)));
        assertThat(of(tracker.dueNotes(), watched)).as("sev3: 4 h to acknowledge").isEmpty();
        assertThat(of(tracker(store).dueNotes(), fresh)).isEmpty(); // both are now settled until sev3's warning

        clock.set(T0.plus(Duration.ofMinutes(20)));
        for (String id : List.of(watched, fresh)) {
            var data = GatewayJson.create().createObjectNode().put("severity", "sev1").put("reason", "customer impact");
            store.append(NewEvent.builder(EventType.STATE_CHANGE, "carol").incident(id).eventTime(clock.instant()).data(data).build());
        }
        assertThat(clock(watched, SlaTarget.ACKNOWLEDGE).goal()).as("the clocks follow the current severity's policy")
                .isEqualTo(Duration.ofMinutes(10));
        appendEach(store, of(tracker.dueNotes(), watched));
        appendEach(store, of(tracker(store).dueNotes(), fresh));
        for (String id : List.of(watched, fresh)) {
            List<TimelineEvent> breach = notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE);
            assertThat(breach).as(id).hasSize(1);
            assertThat(breach.get(0).data().path("severity").asText()).isEqualTo("sev1");
            assertThat(breach.get(0).data().path("dueAt").asText()).isEqualTo(T0.plus(Duration.ofMinutes(10)).toString());
        }
    }

    @Test
    void aReopenResumesTheResolveClock() {
        String id = declare(T0);
        event(id, EventType.RESOLVE, T0.plus(Duration.ofHours(1)), null);
        event(id, EventType.STATE_CHANGE, T0.plus(Duration.ofHours(10)), "acknowledged");
        clock.set(T0.plus(Duration.ofHours(12)));
        SlaClock resolve = clock(id, SlaTarget.RESOLVE);
        assertThat(resolve.state()).isEqualTo(SlaClock.State.RUNNING);
        assertThat(resolve.elapsed()).isEqualTo(Duration.ofHours(3));
        clock.set(T0.plus(Duration.ofHours(13)));
        assertThat(clock(id, SlaTarget.RESOLVE).state()).isEqualTo(SlaClock.State.BREACHED);
        appendEach(store, of(tracker(store).dueNotes(), id));
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.RESOLVE)).hasSize(1);
    }

    @Test
    void aResolveTimedAheadOfOurClockStillBreachesWhenItsTimeComes() {
        String id = declare(T0);
        event(id, EventType.ACK, T0.plus(Duration.ofMinutes(2)), null);
        event(id, EventType.RESOLVE, T0.plus(Duration.ofHours(5)), null); // the sender's clock runs ahead of ours
        SlaTracker tracker = tracker(store);
        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(of(tracker.dueNotes(), id)).isEmpty(); // resolved, but its resolve clock still runs until 13:00
        clock.set(T0.plus(Duration.ofHours(3).plusMinutes(30)));
        List<NewEvent> warning = of(tracker.dueNotes(), id);
        assertThat(warning).extracting(n -> n.data().path("kind").asText()).containsExactly(SlaTracker.WARNING);
        appendEach(store, warning);
        clock.set(T0.plus(Duration.ofHours(6)));
        appendEach(store, of(tracker.dueNotes(), id));
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.RESOLVE)).hasSize(1); // took 5 h of a 4 h goal
        assertThat(notes(id, SlaTracker.WARNING, SlaTarget.RESOLVE)).hasSize(1);
        assertThat(notes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).isEmpty();
        assertThat(of(tracker(store).dueNotes(), id)).isEmpty(); // a new instance finds nothing more
    }

    @Test
    void statesRunningAtRiskBreachedAndMet() {
        String id = declare(T0);
        clock.set(T0.plus(Duration.ofMinutes(5)));
        assertThat(clock(id, SlaTarget.ACKNOWLEDGE).state()).isEqualTo(SlaClock.State.RUNNING);
        clock.set(T0.plus(Duration.ofMinutes(9)));
        assertThat(clock(id, SlaTarget.ACKNOWLEDGE).state()).isEqualTo(SlaClock.State.AT_RISK);
        clock.set(T0.plus(Duration.ofMinutes(12)));
        assertThat(clock(id, SlaTarget.ACKNOWLEDGE).state()).isEqualTo(SlaClock.State.BREACHED);
        String met = declare(T0);
        event(met, EventType.ACK, T0.plus(Duration.ofMinutes(3)), null);
        SlaClock ack = clock(met, SlaTarget.ACKNOWLEDGE);
        assertThat(ack.state()).isEqualTo(SlaClock.State.MET);
        assertThat(ack.metAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    }

    private SlaClock clock(String id, SlaTarget target) {
        Incident incident = store.incident(id).orElseThrow();
        return new SlaClockReader(store, POLICIES, clock).clocks(incident).stream().filter(c -> c.target() == target).findFirst().orElseThrow();
    }
}
