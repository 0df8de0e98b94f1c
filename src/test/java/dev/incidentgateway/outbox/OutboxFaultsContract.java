package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox under faults, on each kind of store, with a sink the test holds: an operator's skip or replay
 * racing a delivery in flight, a vendor's Retry-After beyond the cap, a call that hangs for one incident
 * while the others are delivered, the per-delivery deadline, and a shutdown with deliveries under way. The races
 * are made deterministic by a sink that blocks until the test releases it and by a clock the test moves.
 */
abstract class OutboxFaultsContract {
    /** The test clock's start: later than the rows' commit time (the real clock), in whole seconds. */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(Duration.ofHours(1));
    static final Duration LEASE = Duration.ofSeconds(60);

    OutboxTestStore store;
    HikariDataSource dataSource;
    TimelineStore timeline;
    OutboxStore outbox;
    GatedSink sink;
    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    OutboxRelay relay;

    abstract TestStore.Kind kind();

    @BeforeEach
    void open() {
        store = new OutboxTestStore(kind(), "gated");
        dataSource = store.dataSource;
        timeline = store.timeline;
        outbox = store.outbox;
        sink = new GatedSink();
    }

    @AfterEach
    void close() {
        if (sink != null) {
            sink.releaseAll();
        }
        if (relay != null) {
            relay.close();
        }
        if (store != null) {
            store.close();
        }
    }

    OutboxRelay relay(int concurrency, Duration maxRetryAfter, Duration deadline) {
        relay = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(Duration.ofSeconds(10), 5, concurrency, LEASE,
                maxRetryAfter, deadline), new SimpleMeterRegistry(), clock);
        return relay;
    }

    /**
     * Answers {@code next} (delivered when null); for an incident in {@code gated} it first blocks until the test
     * releases it, deaf to interrupts like a socket read without a timeout.
     */
    static final class GatedSink implements Sink {
        final Set<String> gated = ConcurrentHashMap.newKeySet();
        /** Incidents whose calls block until the relay aborts them ({@link DeliveryAbort}), as an HTTP call does. */
        final Set<String> abortable = ConcurrentHashMap.newKeySet();
        /** Calls that have returned, by incident. */
        final Map<String, java.util.concurrent.atomic.AtomicInteger> ended = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();
        final CountDownLatch release = new CountDownLatch(1);
        final Map<String, Queue<String>> delivered = new ConcurrentHashMap<>();
        volatile DeliveryResult next;

        @Override
        public String connector() {
            return "gated";
        }

        CountDownLatch entered(String incident) {
            return entered.computeIfAbsent(incident, k -> new CountDownLatch(1));
        }

        void releaseAll() {
            release.countDown();
        }

        int ended(String incident) {
            return ended.computeIfAbsent(incident, k -> new java.util.concurrent.atomic.AtomicInteger()).get();
        }

        @Override
        public DeliveryResult deliver(Delivery d) {
            try {
                return answer(d);
            } finally {
                ended.computeIfAbsent(d.incident().id(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            }
        }

        private DeliveryResult answer(Delivery d) {
            String incident = d.incident().id();
            entered(incident).countDown();
            if (abortable.contains(incident)) {
                CountDownLatch aborted = new CountDownLatch(1);
                try (DeliveryAbort.Registration ignored = DeliveryAbort.onAbort(aborted::countDown)) {
                    while (aborted.getCount() > 0) {
                        try {
                            aborted.await(1, TimeUnit.DAYS);
                        } catch (InterruptedException deaf) {
                            // only the abort ends it, as only closing its connection ends a blocked socket read
                        }
                    }
                }
                return new DeliveryResult.Retry("connection closed", null);
            }
            if (gated.contains(incident)) {
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(1, TimeUnit.DAYS);
                    } catch (InterruptedException ignored) {
                        // a hung call does not notice being abandoned
                    }
                }
            }
            DeliveryResult answer = next;
            if (answer == null) {
                delivered.computeIfAbsent(incident, k -> new ConcurrentLinkedQueue<>()).add(d.event().type().wireName());
                return DeliveryResult.delivered();
            }
            return answer;
        }
    }

    void declare(String id) {
        timeline.append(NewEvent.builder(EventType.DECLARE, "a").incident(id).title("t").severity(Severity.SEV1).build());
    }

    void append(String id, EventType type) {
        timeline.append(NewEvent.builder(type, "a").incident(id).content(type.wireName() + " by a").build());
    }

    OutboxRow onlyRow(String incident) throws Exception {
        return outbox.list("gated", null, 0, 100).stream().filter(r -> r.incidentId().equals(incident)).findFirst().orElseThrow();
    }

    /** The operator's skip through the API's handler, as an HTTP request would reach it. */
    Exchange skipThroughApi(long id) {
        ObjectMapper json = GatewayJson.create();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxApi api = new OutboxApi(outbox, json, new ApiEndpoint.Settings(new ProblemMapper(json), 1024), clock, () -> { });
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/api/v1/outbox/" + id + "/skip");
        new ApiEndpoint.Settings(new ProblemMapper(json), 1024).read(req -> api.change(req, false)).process(exchange);
        return exchange;
    }

    @Test
    void skipOfARowBeingDeliveredIsRefusedAsInFlightAndTheDeliveryIsRecorded() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("F-1");
        sink.gated.add("F-1");
        assertThat(relay.pass()).isEqualTo(1);
        assertThat(sink.entered("F-1").await(30, TimeUnit.SECONDS)).isTrue();
        long id = onlyRow("F-1").id();

        assertThat(outbox.skip(id, clock.instant())).isFalse();
        Exchange reply = skipThroughApi(id);
        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(409);
        assertThat(reply.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).startsWith("application/problem+json");
        JsonNode problem = GatewayJson.create().readTree(reply.getMessage().getBody(byte[].class));
        assertThat(problem.path("detail").asText()).contains("being delivered");
        assertThat(onlyRow("F-1").status()).isEqualTo("pending");

        sink.releaseAll();
        relay.awaitIdle();
        OutboxRow row = onlyRow("F-1");
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(sink.delivered.get("F-1")).containsExactly("declare");
    }

    @Test
    void aSkipThatWonIsNotOverwrittenByTheDeliveryOutcome() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("W-1");
        append("W-1", EventType.NOTE);
        sink.gated.add("W-1");
        relay.pass();
        assertThat(sink.entered("W-1").await(30, TimeUnit.SECONDS)).isTrue();
        long id = onlyRow("W-1").id();
        // The delivery outlived its lease (a process that stalled): the claim is stale and the operator may skip.
        now.set(T0.plus(LEASE).plusSeconds(1));
        assertThat(outbox.skip(id, clock.instant())).isTrue();

        sink.releaseAll();
        relay.awaitIdle();
        OutboxRow row = outbox.row(id).orElseThrow();
        assertThat(row.status()).isEqualTo("skipped");
        assertThat(row.attempts()).isZero();
        assertThat(row.deliveredAt()).isNull();
    }

    @Test
    void anOutcomeIsNotRecordedForAClaimThatWasTakenOver() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("C-1");
        Instant lease = T0.plus(LEASE);
        List<OutboxItem> first = outbox.claimDue("gated", 1, T0, lease);
        // The first claimant stalls past its lease; another claims the row again.
        List<OutboxItem> second = outbox.claimDue("gated", 1, lease.plusSeconds(1), lease.plus(LEASE));
        assertThat(first).hasSize(1);
        assertThat(second).hasSize(1);
        assertThat(outbox.failed(first.get(0), "HTTP 500", lease, true, true)).isFalse();
        assertThat(outbox.delivered(second.get(0), null, lease.plusSeconds(2))).isTrue();
        assertThat(outbox.delivered(first.get(0), null, lease.plusSeconds(3))).isFalse();
        OutboxRow row = onlyRow("C-1");
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(row.attempts()).isEqualTo(1);
    }

    @Test
    void replayChangesOnlyDeadOrSkippedRows() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("P-1");
        long id = onlyRow("P-1").id();
        assertThat(outbox.replay(id, T0)).as("pending").isFalse();
        sink.gated.add("P-1");
        relay.pass();
        assertThat(sink.entered("P-1").await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.replay(id, T0)).as("in flight").isFalse();
        sink.releaseAll();
        relay.awaitIdle();
        assertThat(outbox.replay(id, T0)).as("delivered").isFalse();
        assertThat(onlyRow("P-1").status()).isEqualTo("delivered");

        declare("P-2");
        sink.next = new DeliveryResult.Dead("HTTP 400");
        relay.pass();
        relay.awaitIdle();
        long dead = onlyRow("P-2").id();
        assertThat(onlyRow("P-2").status()).isEqualTo("dead");
        assertThat(outbox.replay(dead, T0)).isTrue();
        assertThat(onlyRow("P-2").status()).isEqualTo("pending");
    }

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
        now.set(T0.plusSeconds(300));
        relay.pass();
        relay.awaitIdle();
        assertThat(onlyRow("R-2").nextAttemptAt()).as("below the cap: as asked").isEqualTo(T0.plusSeconds(320));
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
        now.set(now.get().plus(LEASE).plusSeconds(1)); // past any backoff and the lease
        relay.drive(() -> true, Duration.ofMillis(20));
        sink.releaseAll(); // the hung call reaches the target now
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.ended("L-1") >= 1);
        for (int lease = 0; lease < 5 && sink.delivered.getOrDefault("L-1", new ConcurrentLinkedQueue<>()).size() < 3; lease++) {
            now.set(now.get().plus(LEASE).plusSeconds(1));
            relay.drive(() -> true, Duration.ofMillis(20));
        }
        assertThat(sink.delivered.get("L-1")).as("the late call first, then its repeat, then the next event")
                .containsExactly("declare", "declare", "ack");
    }

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
        now.set(T0.plus(Duration.ofDays(1)));
        declare("G-dead");
        declare("G-skipped");
        sink.next = new DeliveryResult.Dead("HTTP 400");
        relay.pass();
        relay.awaitIdle();
        assertThat(outbox.skip(onlyRow("G-skipped").id(), clock.instant())).isTrue();
        now.set(T0.plus(Duration.ofDays(3)));
        sink.next = null;
        declare("G-recent");
        relay.pass();
        relay.awaitIdle(); // delivered at T0 + 3 days
        declare("G-pending"); // never delivered
        assertThat(outbox.list("gated", "delivered", 0, 100)).hasSize(6);

        now.set(T0.plus(Duration.ofDays(7)).plusSeconds(1));
        OutboxPurge capped = new OutboxPurge(dataSource, Duration.ofDays(7), 2, 2, clock, new SimpleMeterRegistry());
        assertThat(capped.run()).as("at most maxBatches x batchSize a run").isEqualTo(4);
        OutboxPurge purge = new OutboxPurge(dataSource, Duration.ofDays(7), 2, 100, clock, new SimpleMeterRegistry());
        assertThat(purge.run()).isEqualTo(1);
        assertThat(purge.run()).isZero();
        assertThat(outbox.list("gated", null, 0, 100)).extracting(OutboxRow::incidentId, OutboxRow::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("G-dead", "dead"), org.assertj.core.groups.Tuple.tuple("G-skipped", "skipped"),
                org.assertj.core.groups.Tuple.tuple("G-recent", "delivered"), org.assertj.core.groups.Tuple.tuple("G-pending", "pending"));

        now.set(T0.plus(Duration.ofDays(30)));
        assertThat(purge.run()).isEqualTo(1); // G-recent, now old too; dead, skipped and pending rows stay
        assertThat(outbox.list("gated", null, 0, 100)).extracting(OutboxRow::incidentId)
                .containsExactlyInAnyOrder("G-dead", "G-skipped", "G-pending");
    }

    @Test
    void outboxGaugesAreReadFromTheLastRefreshNotCountedPerScrape() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxGauges gauges = new OutboxGauges(outbox, List.of("gated"), meters);
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
}
