package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox at shutdown and in its upkeep, on each kind of store (H2 and PostgreSQL subclasses), with a sink the test
 * holds: a delivery under way at shutdown (recorded, or abandoned at the timeout and due again after its lease), the
 * claims of a run that ended, the purge of old delivered rows, and the row gauges read from the last refresh.
 */
abstract class OutboxShutdownAndPurgeContract extends OutboxFaultsHarness {
    @Test
    void atShutdownTheDeliveryUnderWayIsRecordedAndNoNewRowIsClaimed() throws Exception {
        relay(1, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("S-1");
        sink.gated.add("S-1");
        relay.pass(); // one call: S-1, held until released
        assertThat(sink.entered("S-1").await(30, TimeUnit.SECONDS)).isTrue();
        declare("S-2");
        declare("S-3");
        // S-2 claimed by the second slot, waiting for the call permit (claimed after S-1's call began: which of two
        // claimed rows gets the one permit first is not ordered, and the one delivered first may claim the next head)
        assertThat(relay.pass()).isEqualTo(1);
        relay.stopClaiming();
        sink.releaseAll();
        assertThat(relay.awaitIdle(Instant.now().plusSeconds(30))).isTrue();
        assertThat(onlyRow("S-1").status()).isEqualTo("delivered");
        assertThat(onlyRow("S-2").status()).as("claimed before stopClaiming: delivered").isEqualTo("delivered");
        assertThat(relay.pass()).as("rows claimed after stopClaiming").isZero();
        assertThat(onlyRow("S-3").attempts()).isZero();
        assertThat(outbox.inFlight(onlyRow("S-3").id(), clock.instant())).isFalse();
    }

    @Test
    void atShutdownADeliveryStillRunningAtTheTimeoutRecordsNothingAndIsDueAgainAfterItsLease() throws Exception {
        relay(1, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("L-1");
        sink.gated.add("L-1");
        relay.pass();
        assertThat(sink.entered("L-1").await(30, TimeUnit.SECONDS)).isTrue();
        relay.stopClaiming();
        assertThat(relay.awaitIdle(Instant.now().plusMillis(200))).as("idle by the shutdown timeout").isFalse();
        relay.abandonRunning();
        sink.releaseAll(); // the vendor answers after all, once the gateway stopped waiting
        relay.awaitIdle();
        assertThat(sink.delivered.get("L-1")).containsExactly("declare");
        OutboxRow row = onlyRow("L-1");
        assertThat(row.status()).as("outcome not recorded").isEqualTo("pending");
        assertThat(row.attempts()).isZero();
        assertThat(outbox.claimDue("gated", 10, T0, T0.plus(LEASE))).as("still claimed").isEmpty();
        assertThat(outbox.claimDue("gated", 10, T0.plus(LEASE).plusSeconds(1), T0.plus(LEASE.multipliedBy(2))))
                .as("due again after the lease: at-least-once").hasSize(1);
    }

    @Test
    void theClaimsOfARunThatEndedAreDueAtOnceWhenOnlyOneProcessCanOpenTheStore() throws Exception {
        declare("E-1");
        declare("E-2");
        append("E-2", EventType.ACK);
        assertThat(outbox.claimDue("gated", 10, T0, T0.plus(LEASE))).as("claimed by a run that then ended").hasSize(2);
        assertThat(outbox.claimDue("gated", 10, T0, T0.plus(LEASE))).as("held until the lease ends").isEmpty();

        int released = outbox.releaseClaimsOfEndedRun(T0);
        assertThat(released).isEqualTo(2);
        assertThat(outbox.claimDue("gated", 10, T0, T0.plus(LEASE))).extracting(OutboxItem::incidentId)
                .as("both heads due at once; E-2's ack still waits behind its declare").containsExactlyInAnyOrder("E-1", "E-2");
        assertThat(outbox.releaseClaimsOfEndedRun(T0)).isEqualTo(2);
        assertThat(outbox.releaseClaimsOfEndedRun(T0)).as("nothing claimed any more").isZero();
    }

    @Test
    void deliveredRowsOlderThanTheRetentionArePurgedInBatchesAndNothingElse() throws Exception {
        relay(8, Duration.ofSeconds(300), Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            declare("G-old-" + i);
        }
        relay.pass();
        relay.awaitIdle(); // five rows delivered at T0
        clock.set(T0.plus(Duration.ofDays(1)));
        declare("G-dead");
        declare("G-skipped");
        sink.next = new DeliveryResult.Dead("HTTP 400");
        relay.pass();
        relay.awaitIdle();
        assertThat(outbox.skip(onlyRow("G-skipped").id(), clock.instant())).isTrue();
        clock.set(T0.plus(Duration.ofDays(3)));
        sink.next = null;
        declare("G-recent");
        relay.pass();
        relay.awaitIdle(); // delivered at T0 + 3 days
        declare("G-pending"); // never delivered
        assertThat(outbox.list("gated", "delivered", 0, 100)).hasSize(6);

        clock.set(T0.plus(Duration.ofDays(7)).plusSeconds(1));
        OutboxPurge capped = new OutboxPurge(dataSource, Duration.ofDays(7), 2, 2, clock, new SimpleMeterRegistry());
        assertThat(capped.run()).as("at most maxBatches x batchSize a run").isEqualTo(4);
        OutboxPurge purge = new OutboxPurge(dataSource, Duration.ofDays(7), 2, 100, clock, new SimpleMeterRegistry());
        assertThat(purge.run()).isEqualTo(1);
        assertThat(purge.run()).isZero();
        assertThat(outbox.list("gated", null, 0, 100)).extracting(OutboxRow::incidentId, OutboxRow::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("G-dead", "dead"), org.assertj.core.groups.Tuple.tuple("G-skipped", "skipped"),
                org.assertj.core.groups.Tuple.tuple("G-recent", "delivered"), org.assertj.core.groups.Tuple.tuple("G-pending", "pending"));

        clock.set(T0.plus(Duration.ofDays(30)));
        assertThat(purge.run()).isEqualTo(1); // G-recent, now old too; dead, skipped and pending rows stay
        assertThat(outbox.list("gated", null, 0, 100)).extracting(OutboxRow::incidentId)
                .containsExactlyInAnyOrder("G-dead", "G-skipped", "G-pending");
    }

    /**
     * The relay as the route drives it ({@link OutboxRelay#run}) for as long as the gateway runs: nothing it keeps grows
     * with the deliveries it made. Each slot run used to leave its row id in a queue only shutdown drained.
     */
    @Test
    void aRunningRelayKeepsNothingPerDeliveryItMade() throws Exception {
        relay(4, Duration.ofSeconds(300), Duration.ofSeconds(30));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread driver = new Thread(() -> {
            try {
                relay.run(running::get, Duration.ofMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        driver.start();
        try {
            for (int i = 0; i < 30; i++) {
                declare("U-" + i);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.delivered.size() == 30);
            await().atMost(Duration.ofSeconds(30)).until(() -> !relay.busy());

            assertThat(relay.pendingProgressSignals()).as("after 30 deliveries, no shutdown waiting for them").isLessThanOrEqualTo(1);
        } finally {
            running.set(false);
            relay.wake();
            driver.join(10_000);
        }
    }

    @Test
    void outboxGaugesAreReadFromTheLastRefreshNotCountedPerScrape() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxGauges gauges = new OutboxGauges(outbox, List.of("gated"), meters, clock);
        java.util.function.Function<String, Double> gauge = status -> meters.get("gateway.outbox.rows").tag("connector", "gated")
                .tag("status", status).gauge().value();
        declare("M-1");
        declare("M-2");
        assertThat(gauge.apply("pending")).as("before the first refresh").isNaN();
        gauges.refresh();
        assertThat(gauge.apply("pending")).isEqualTo(2.0);
        assertThat(gauge.apply("dead")).isZero();
        declare("M-3");
        assertThat(gauge.apply("pending")).as("a scrape does not count").isEqualTo(2.0);
        gauges.refresh();
        assertThat(gauge.apply("pending")).isEqualTo(3.0);
    }

    @Test
    void theOldestPendingRowsAgeGrowsBetweenRefreshesAndIsZeroOnceNoneWaits() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxGauges gauges = new OutboxGauges(outbox, List.of("gated"), meters, clock);
        java.util.function.Supplier<Double> age = () -> meters.get("gateway.outbox.oldest.pending.age").tag("connector", "gated")
                .gauge().value();
        assertThat(age.get()).as("none waits").isZero();
        declare("A-1");
        Instant committed = onlyRow("A-1").createdAt();
        declare("A-2");
        gauges.refresh();
        assertThat(age.get()).as("the oldest row's, from its event's commit").isEqualTo(Duration.between(committed, clock.instant()).toMillis() / 1000.0);
        clock.set(clock.instant().plusSeconds(90));
        assertThat(age.get()).as("taken at scrape time, without a refresh").isEqualTo(Duration.between(committed, clock.instant()).toMillis() / 1000.0);
        assertThat(outbox.skip(onlyRow("A-1").id(), clock.instant())).isTrue();
        assertThat(outbox.skip(onlyRow("A-2").id(), clock.instant())).isTrue();
        gauges.refresh();
        assertThat(age.get()).isZero();
    }
}
