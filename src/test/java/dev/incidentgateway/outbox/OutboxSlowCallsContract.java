package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and hanging vendor calls, on each kind of store (H2 and PostgreSQL subclasses), with a sink the test holds: a
 * Retry-After beyond the cap waits the cap, a call that hangs for one incident while the others are delivered, the
 * per-delivery deadline, and a call that outlives its deadline never overtaken by its incident's later events.
 */
abstract class OutboxSlowCallsContract extends OutboxFaultsHarness {
    @Test
    void aRetryAfterBeyondTheCapWaitsTheCap() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("R-1");
        declare("R-2");
        sink.next = new DeliveryResult.Retry("HTTP 429: slow down", Duration.ofHours(6));
        relay.pass();
        relay.awaitIdle();
        assertThat(onlyRow("R-1").nextAttemptAt()).isEqualTo(T0.plusSeconds(300));
        assertThat(onlyRow("R-1").lastError()).contains("429");
        sink.next = new DeliveryResult.Retry("HTTP 503", Duration.ofSeconds(20));
        clock.set(T0.plusSeconds(300));
        relay.pass();
        relay.awaitIdle();
        assertThat(onlyRow("R-2").nextAttemptAt()).as("below the cap: as asked").isEqualTo(T0.plusSeconds(320));
    }

    @Test
    void againstASlowTargetOneRowPerCallWaitsForItsPermitAndTheOthersStayUnclaimed() throws Exception {
        relay(1, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("W-1");
        sink.gated.add("W-1"); // the target is slow: W-1's call does not end until released
        assertThat(relay.pass()).isEqualTo(1);
        assertThat(sink.entered("W-1").await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 6; i++) {
            declare("W-" + i);
        }
        // Rows queued behind a slow call wait for every call ahead of them: more than one per call would leave rows
        // to their lease once calls take a fraction of the permit wait ((lease - deadline) / 2, RelaySlots): with four
        // slots per call, calls of 5 s at the default lease and deadline.
        assertThat(relay.pass()).as("one row ready for the call permit").isEqualTo(1);
        assertThat(relay.pass()).as("no more").isZero();
        int claimed = 0;
        for (int i = 2; i <= 6; i++) {
            claimed += outbox.inFlight(onlyRow("W-" + i).id(), clock.instant()) ? 1 : 0;
        }
        assertThat(claimed).as("rows claimed behind the slow call").isEqualTo(1);
        sink.releaseAll();
        relay.drive(() -> true, Duration.ofMillis(20));
        for (int i = 1; i <= 6; i++) {
            assertThat(sink.delivered.get("W-" + i)).as("W-%d", i).containsExactly("declare");
            assertThat(onlyRow("W-" + i).status()).isEqualTo("delivered");
        }
    }

    @Test
    void aHungCallForOneIncidentDoesNotHoldBackTheOthers() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30)); // the deadline is far: only the slot design helps
        declare("H-hung");
        sink.gated.add("H-hung");
        List<String> others = List.of("H-1", "H-2", "H-3", "H-4");
        for (String id : others) {
            declare(id);
            append(id, EventType.ACK);
            append(id, EventType.RESOLVE);
        }
        relay.drive(() -> others.stream().anyMatch(id -> sink.delivered.getOrDefault(id, new ConcurrentLinkedQueue<>()).size() < 3),
                Duration.ofMillis(20));
        for (String id : others) {
            assertThat(sink.delivered.get(id)).as(id).containsExactly("declare", "ack", "resolve");
        }
        assertThat(sink.delivered.get("H-hung")).as("still hanging").isNull();
        assertThat(onlyRow("H-hung").status()).isEqualTo("pending");
        assertThat(outbox.inFlight(onlyRow("H-hung").id(), clock.instant())).isTrue();
    }

    @Test
    void aDeliveryWithoutOutcomeByItsDeadlineIsAbortedAndRetried() throws Exception {
        relay(1, Duration.ofSeconds(300), Duration.ofMillis(200));
        declare("T-1");
        declare("T-2");
        sink.abortable.add("T-1");
        relay.pass(); // one slot: T-1, which hangs
        relay.awaitIdle(); // returns once the deadline abandoned it
        OutboxRow row = onlyRow("T-1");
        assertThat(row.status()).isEqualTo("pending");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.lastError()).contains("deadline");
        assertThat(outbox.inFlight(row.id(), clock.instant())).isFalse();
        assertThat(sink.ended("T-1")).as("the call was stopped before its row was given up").isEqualTo(1);
        relay.pass(); // the freed slot takes the next incident
        relay.awaitIdle();
        assertThat(sink.delivered.get("T-2")).containsExactly("declare");
    }

    /**
     * A call that ignores being stopped at its deadline (a socket write or read nothing interrupts) may still reach the
     * target: its row keeps its claim, and nothing of its incident is sent while it runs, so it cannot arrive after the
     * incident's later events. The target sees the one call in flight repeated, in order. (Before, the row was retried
     * at once and the incident went on: declare, ack, then the late declare.)
     */
    @Test
    void aCallThatOutlivesItsDeadlineIsNeverOvertakenByItsIncidentsLaterEvents() throws Exception {
        relay(1, Duration.ofSeconds(300), Duration.ofMillis(200));
        declare("L-1");
        append("L-1", EventType.ACK);
        sink.gated.add("L-1");
        relay.pass();
        assertThat(sink.entered("L-1").await(10, TimeUnit.SECONDS)).isTrue();
        relay.awaitIdle(); // the deadline gave the slot back; the call itself still hangs
        sink.gated.remove("L-1"); // later calls of L-1 would go through at once
        clock.advance(LEASE.plusSeconds(1)); // past any backoff and the lease
        relay.drive(() -> true, Duration.ofMillis(20));
        sink.releaseAll(); // the hung call reaches the target now
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.ended("L-1") >= 1);
        for (int lease = 0; lease < 5 && sink.delivered.getOrDefault("L-1", new ConcurrentLinkedQueue<>()).size() < 3; lease++) {
            clock.advance(LEASE.plusSeconds(1));
            relay.drive(() -> true, Duration.ofMillis(20));
        }
        assertThat(sink.delivered.get("L-1")).as("the late call first, then its repeat, then the next event")
                .containsExactly("declare", "declare", "ack");
    }

}
