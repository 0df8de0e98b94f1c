package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, delivery without passes: a slot goes on with its incident's next row as soon as the previous outcome is
 * recorded (in the same transaction), rows held back by their incident's head are parked out of the claim's way and
 * taken up again by the delivery, skip or hand-back that releases them, and a commit wakes an idle relay.
 */
abstract class OutboxClaimsContract {
    static final Duration LEASE = Duration.ofSeconds(90);
    OutboxTestStore store;
    TimelineStore timeline;
    OutboxStore outbox;
    OutboxRelayContract.ScriptedSink sink;
    OutboxRelay relay;

    abstract TestStore.Kind kind();

    @BeforeEach
    void open() {
        store = new OutboxTestStore(kind(), "scripted");
        timeline = store.timeline;
        outbox = store.outbox;
        sink = new OutboxRelayContract.ScriptedSink();
    }

    @AfterEach
    void close() {
        if (relay != null) {
            relay.close();
        }
        if (store != null) {
            store.close();
        }
    }

    void relay(int concurrency) {
        relay = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(Duration.ofMillis(1), 4, concurrency, LEASE),
                new SimpleMeterRegistry(), Clock.systemUTC());
    }

    TimelineEvent declare(String id) {
        return timeline.append(NewEvent.builder(EventType.DECLARE, "a").incident(id).title("t").severity(Severity.SEV2).build()).event();
    }

    TimelineEvent append(String id, EventType type) {
        return timeline.append(NewEvent.builder(type, "a").incident(id).content(type.wireName() + " by a").build()).event();
    }

    List<OutboxRow> rows(String incident) throws Exception {
        return outbox.list("scripted", null, 0, 1000).stream().filter(r -> r.incidentId().equals(incident)).toList();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void oneClaimDeliversAnIncidentsQueueInOrderInItsSlotThenHandsTheSlotBack() throws Exception {
        relay(1);
        declare("Q-1");
        int queued = OutboxRelay.CHAIN_LIMIT + 3;
        for (int i = 1; i < queued; i++) {
            append("Q-1", EventType.NOTE);
        }
        assertThat(relay.pass()).as("rows claimed by the claim itself").isEqualTo(1);
        relay.awaitIdle();
        assertThat(sink.delivered.get("Q-1")).as("delivered in the slot, one after another").hasSize(OutboxRelay.CHAIN_LIMIT)
                .startsWith("declare", "note");
        assertThat(sink.overlapSeen).isFalse();
        OutboxRow handedBack = rows("Q-1").stream().filter(r -> r.status().equals("pending")).findFirst().orElseThrow();
        assertThat(handedBack.nextAttemptAt()).as("the next row is due for the next claim").isBeforeOrEqualTo(Instant.now());

        relay.pass();
        relay.awaitIdle();
        assertThat(sink.delivered.get("Q-1")).hasSize(queued);
        assertThat(rows("Q-1")).extracting(OutboxRow::status).containsOnly("delivered");
        assertThat(sink.overlapSeen).isFalse();
    }

    @Test
    void rowsHeldBackAreParkedAndTheDeliveryThatReleasesThemClaimsTheNext() throws Exception {
        declare("P-1");
        append("P-1", EventType.ACK);
        append("P-1", EventType.NOTE);
        Instant now = now().plusSeconds(1); // truncated to ms, now() alone can precede the note's created_at (not yet due)
        Instant lease = now.plus(LEASE);
        List<OutboxItem> head = outbox.claimDue("scripted", 5, now, lease);
        assertThat(head).extracting(OutboxItem::eventSeq).containsExactly(rows("P-1").get(0).eventSeq());

        assertThat(outbox.claimDue("scripted", 5, now, lease)).as("held back").isEmpty();
        assertThat(rows("P-1").subList(1, 3)).as("parked until the lease: out of the next claims' range")
                .allSatisfy(r -> assertThat(r.nextAttemptAt()).isEqualTo(lease));

        OutboxStore.Recorded recorded = outbox.delivered(head.get(0), null, now, lease);
        assertThat(recorded.recorded()).isTrue();
        assertThat(recorded.next()).as("the ack, claimed with the declare's outcome").isNotNull();
        assertThat(recorded.next().eventSeq()).isEqualTo(rows("P-1").get(1).eventSeq());
        assertThat(outbox.inFlight(recorded.next().id(), now)).isTrue();
        assertThat(outbox.delivered(recorded.next(), null, now, null).next()).as("no lease: nothing claimed").isNull();
        assertThat(rows("P-1").get(2).nextAttemptAt()).as("but the note is due again").isEqualTo(now);
        assertThat(outbox.claimDue("scripted", 5, now, lease)).extracting(OutboxItem::eventSeq)
                .containsExactly(rows("P-1").get(2).eventSeq());
    }

    @Test
    void aClaimGetsPastManyRowsHeldBackByADeadRowToTheNextIncidentsHead() throws Exception {
        declare("D-1");
        for (int i = 0; i < 100; i++) {
            append("D-1", EventType.NOTE);
        }
        declare("D-2");
        Instant now = now().plusSeconds(1);
        OutboxItem dead = outbox.claimDue("scripted", 1, now, now.plus(LEASE)).get(0);
        assertThat(outbox.failed(dead, "HTTP 400", now, true, true)).isTrue();

        List<OutboxItem> claimed = outbox.claimDue("scripted", 1, now, now.plus(LEASE));
        assertThat(claimed).extracting(OutboxItem::incidentId).containsExactly("D-2");
        assertThat(rows("D-1").stream().filter(r -> r.status().equals("pending")))
                .as("every row behind the dead one parked").hasSize(100)
                .allSatisfy(r -> assertThat(r.nextAttemptAt()).isAfter(now));

        assertThat(outbox.skip(dead.id(), now)).isTrue();
        assertThat(outbox.claimDue("scripted", 5, now, now.plus(LEASE))).as("the skip released the next row")
                .extracting(OutboxItem::eventSeq).containsExactly(rows("D-1").get(1).eventSeq());
    }

    @Test
    void aCommitWakesAnIdleRelayLongBeforeItsPoll() throws Exception {
        relay(2);
        OutboxWriter writer = new OutboxWriter(List.of());
        writer.subscribe(new SinkDescriptor("scripted", java.util.EnumSet.allOf(EventType.class), Severity.SEV4,
                java.util.Map.of(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
        RelayWakeups wakeups = new RelayWakeups(writer, List.of(relay));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread driver = new Thread(() -> {
            try {
                relay.run(running::get, Duration.ofHours(1)); // only a wake-up can make it look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        driver.start();
        try {
            Thread.sleep(200); // let its first look find nothing (if it has not, the test passes anyway)
            TimelineEvent e = declare("W-1");
            wakeups.afterCommit(List.of(e));
            for (int i = 0; i < 300 && sink.delivered.getOrDefault("W-1", new ConcurrentLinkedQueue<>()).isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertThat(sink.delivered.get("W-1")).containsExactly("declare");
        } finally {
            running.set(false);
            relay.wake();
            driver.join(10_000);
        }
    }

    /**
     * Two instances on one store: instance B claims while instance A's transaction recording the predecessor is still
     * open (the moment a claim used to park the successor a whole lease ahead). Whether A hands its slot back or claims
     * the successor itself, the successor is claimable as soon as the outcome is committed, and every row is claimed once.
     */
    @Test
    void aSuccessorIsClaimableAsSoonAsItsPredecessorIsRecordedWhileAnotherInstanceClaims() throws Exception {
        for (boolean chain : new boolean[] {false, true}) {
            String incident = "RACE-" + chain;
            declare(incident);
            Instant now = now().plusSeconds(1);
            Instant lease = now.plus(LEASE);
            OutboxStore instanceB = new OutboxStore(store.dataSource);
            java.util.concurrent.atomic.AtomicReference<Runnable> beforeCommit = new java.util.concurrent.atomic.AtomicReference<>();
            OutboxStore instanceA = new OutboxStore(CommitHook.wrap(store.dataSource, beforeCommit));
            OutboxItem declared = instanceA.claimDue("scripted", 5, now, lease).get(0);
            assertThat(declared.incidentId()).isEqualTo(incident);
            append(incident, EventType.ACK); // committed while the declare is being delivered: due, not parked

            java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.atomic.AtomicReference<List<OutboxItem>> claimedMeanwhile = new java.util.concurrent.atomic.AtomicReference<>();
            beforeCommit.set(() -> {
                try { // instance B's claim runs to its end while A's transaction is open (a claim never waits for a lock)
                    claimedMeanwhile.set(other.submit(() -> instanceB.claimDue("scripted", 5, now, lease)).get(20, java.util.concurrent.TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new IllegalStateException("instance B's claim did not finish while A recorded", e);
                }
            });
            OutboxStore.Recorded recorded = instanceA.delivered(declared, null, now, chain ? lease : null);
            other.shutdown();
            assertThat(recorded.recorded()).isTrue();
            assertThat(claimedMeanwhile.get()).as("nothing claimable while the declare's outcome is open").isEmpty();

            List<OutboxItem> afterwards = instanceB.claimDue("scripted", 5, now, lease);
            OutboxItem ack;
            if (chain) {
                assertThat(recorded.next()).as("A claimed the ack with the declare's outcome").isNotNull();
                assertThat(afterwards).as("so B does not").isEmpty();
                ack = recorded.next();
            } else {
                assertThat(afterwards).as("the ack is claimable at once, not one lease later")
                        .extracting(OutboxItem::eventSeq).containsExactly(rows(incident).get(1).eventSeq());
                ack = afterwards.get(0);
            }
            assertThat(outbox.delivered(ack, null, now)).isTrue();
            assertThat(rows(incident)).as("each row delivered once, in order").extracting(OutboxRow::status, OutboxRow::attempts)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("delivered", 1), org.assertj.core.groups.Tuple.tuple("delivered", 1));
        }
    }

    @Test
    void outcomesRecordedTogetherKeepTheirOwnMeaning() throws Exception {
        declare("B-1");
        append("B-1", EventType.ACK);
        declare("B-2");
        declare("B-3");
        Instant now = now().plusSeconds(1);
        Instant lease = now.plus(LEASE);
        List<OutboxItem> heads = outbox.claimDue("scripted", 5, now, lease);
        assertThat(heads).extracting(OutboxItem::incidentId).containsExactlyInAnyOrder("B-1", "B-2", "B-3");
        OutboxItem b1 = heads.stream().filter(i -> i.incidentId().equals("B-1")).findFirst().orElseThrow();
        OutboxItem b2 = heads.stream().filter(i -> i.incidentId().equals("B-2")).findFirst().orElseThrow();
        OutboxItem b3 = heads.stream().filter(i -> i.incidentId().equals("B-3")).findFirst().orElseThrow();
        OutboxItem b3Stale = b3.withClaimToken(b3.claimToken() + 1); // as if its lease had run out and another delivery held it now

        List<OutboxStore.Recorded> recorded = outbox.deliveredAll(List.of(new OutboxStore.Delivered(b1, null, now, lease),
                new OutboxStore.Delivered(b2, null, now, null), new OutboxStore.Delivered(b3Stale, null, now, lease)));

        assertThat(recorded).extracting(OutboxStore.Recorded::recorded).containsExactly(true, true, false);
        assertThat(recorded.get(0).next()).as("B-1's ack claimed with its declare's outcome").isNotNull();
        assertThat(recorded.get(0).next().eventSeq()).isEqualTo(rows("B-1").get(1).eventSeq());
        assertThat(recorded.get(1).next()).isNull();
        assertThat(rows("B-3")).as("a claim that no longer holds records nothing").extracting(OutboxRow::status)
                .containsExactly("pending");
        assertThat(rows("B-2")).extracting(OutboxRow::status).containsExactly("delivered");
    }

    @Test
    void aSlotWhoseIncidentHasNothingMoreGetsANewHeadClaimedWithItsOutcome() throws Exception {
        declare("R-1");
        declare("R-2");
        append("R-2", EventType.ACK);
        declare("R-3");
        Instant now = now().plusSeconds(1);
        Instant lease = now.plus(LEASE);
        OutboxItem r1 = outbox.claimDue("scripted", 1, now, lease).get(0);
        assertThat(r1.incidentId()).isEqualTo("R-1");

        List<OutboxStore.Recorded> recorded = outbox.deliveredAll(List.of(new OutboxStore.Delivered(r1, null, now, lease, lease)));

        OutboxItem head = recorded.get(0).next();
        assertThat(head).as("R-1 has nothing more: the oldest due head of another incident, claimed in the same commit")
                .isNotNull();
        assertThat(head.incidentId()).isEqualTo("R-2");
        assertThat(outbox.inFlight(head.id(), now)).isTrue();
        assertThat(rows("R-2").get(1).nextAttemptAt()).as("R-2's ack, held back by it, parked on the way").isEqualTo(lease);
        assertThat(outbox.claimDue("scripted", 5, now, lease)).as("what is left for the relay's own claim")
                .extracting(OutboxItem::incidentId).containsExactly("R-3");

        OutboxStore.Recorded next = outbox.delivered(head, null, now, lease);
        assertThat(next.next()).as("without refillUntil only the incident's next row is claimed").isNotNull();
        assertThat(next.next().incidentId()).isEqualTo("R-2");
        assertThat(outbox.delivered(next.next(), null, now, lease).next()).as("and nothing else").isNull();
    }

    @Test
    void oneClaimKeepsItsSlotBusyAcrossIncidentsWhileHeadsAreDue() throws Exception {
        relay(1);
        declare("S-1");
        append("S-1", EventType.ACK);
        declare("S-2");
        declare("S-3");
        declare("S-4");
        assertThat(relay.pass()).as("the driving thread's claim: a row per slot, %d slots per call", RelaySlots.SLOTS_PER_CALL)
                .isEqualTo(RelaySlots.SLOTS_PER_CALL);
        relay.awaitIdle();
        assertThat(sink.delivered.get("S-1")).containsExactly("declare", "ack");
        assertThat(sink.delivered.get("S-2")).containsExactly("declare");
        assertThat(sink.delivered.get("S-3")).as("claimed by an outcome, not by another pass").containsExactly("declare");
        assertThat(sink.delivered.get("S-4")).containsExactly("declare");
        assertThat(sink.overlapSeen).isFalse();
    }
}
