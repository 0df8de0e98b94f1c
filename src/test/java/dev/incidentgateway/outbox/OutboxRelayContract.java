package dev.incidentgateway.outbox;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared outbox mechanism with a scripted in-memory sink, on each kind of store: rows written with the
 * event, per-incident order, parallel incidents, classified retries, dead letters holding back their
 * incident, replay and skip. (The vendor sinks are tested against their contract fakes elsewhere.)
 */
abstract class OutboxRelayContract {
    OutboxTestStore store;
    HikariDataSource dataSource;
    TimelineStore timeline;
    OutboxStore outbox;
    ScriptedSink sink;
    OutboxRelay relay;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    abstract TestStore.Kind kind();

    @BeforeEach
    void open() {
        store = new OutboxTestStore(kind(), "scripted");
        dataSource = store.dataSource;
        timeline = store.timeline;
        outbox = store.outbox;
        sink = new ScriptedSink();
        relay = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(Duration.ofMillis(1), 4, 8),
                meters, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (relay != null) {
            relay.close();
            store.close();
        }
    }

    /** A sink whose answers a test scripts; it records what it delivered, per incident, in order. */
    static final class ScriptedSink implements Sink {
        final Map<String, Queue<String>> delivered = new ConcurrentHashMap<>();
        final Queue<DeliveryResult> script = new ConcurrentLinkedQueue<>();
        /** Answers for one incident's deliveries, used before the shared script. */
        final Map<String, Queue<DeliveryResult>> scriptFor = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        volatile boolean overlapSeen;
        /** Deliveries running right now, of any incident, and the most seen at once. */
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();

        @Override
        public String connector() {
            return "scripted";
        }

        @Override
        public DeliveryResult deliver(Delivery d) {
            calls.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            AtomicInteger running = inFlight.computeIfAbsent(d.incident().id(), k -> new AtomicInteger());
            if (running.incrementAndGet() > 1) {
                overlapSeen = true; // two deliveries of one incident at once would break its order
            }
            try {
                Queue<DeliveryResult> own = scriptFor.get(d.incident().id());
                DeliveryResult next = own != null && !own.isEmpty() ? own.poll() : script.poll();
                if (next == null || next instanceof DeliveryResult.Delivered) {
                    delivered.computeIfAbsent(d.incident().id(), k -> new ConcurrentLinkedQueue<>()).add(d.event().type().wireName());
                    return d.ref() == null ? new DeliveryResult.Delivered(new ExternalRef(d.incident().id(), "scripted",
                            "T-" + d.incident().id(), null, null, null)) : DeliveryResult.delivered();
                }
                return next;
            } finally {
                running.decrementAndGet();
                open.decrementAndGet();
            }
        }
    }

    String declare(String id, Severity severity) {
        return timeline.append(NewEvent.builder(EventType.DECLARE, "a").incident(id).title("t").severity(severity).build()).incidentId();
    }

    void append(String id, EventType type) {
        timeline.append(NewEvent.builder(type, "a").incident(id).content(type.wireName() + " by a").build());
    }

    /**
     * Passes while rows are due. A pass that starts nothing while a pending row is due now is tried again (up to ~1 s):
     * a row a slot handed back becomes due just after the pass read (seen once on CI); rows waiting out a backoff or a
     * lease are not due, so the drain ends as before and the caller's checks see them pending.
     */
    void drain() throws Exception {
        int idlePasses = 0;
        for (int i = 0; i < 300; i++) {
            int started = relay.pass();
            relay.awaitIdle();
            if (started > 0) {
                idlePasses = 0;
                continue;
            }
            java.time.Instant now = java.time.Instant.now();
            boolean dueNow = outbox.list(sink.connector(), "pending", 0, 1000).stream().anyMatch(r -> !r.nextAttemptAt().isAfter(now));
            if (!dueNow || ++idlePasses > 100) {
                return;
            }
            Thread.sleep(10);
        }
    }

    void drainUntilSettled(int passes) throws Exception {
        for (int i = 0; i < passes; i++) {
            relay.pass();
            relay.awaitIdle();
            Thread.sleep(5);
        }
    }

    @Test
    void rowsAreWrittenWithTheEventForSubscribedSeverities() throws Exception {
        declare("O-1", Severity.SEV2);
        append("O-1", EventType.NOTE);
        declare("O-2", Severity.SEV4); // below the subscription's minimum severity (sev3)
        assertThat(outbox.list("scripted", "pending", 0, 100)).extracting(OutboxRow::incidentId).containsExactly("O-1", "O-1");
        drain();
        assertThat(sink.delivered.get("O-1")).containsExactly("declare", "note");
        assertThat(outbox.list("scripted", "delivered", 0, 100)).hasSize(2);
        assertThat(new ExternalRefs(dataSource).find("O-1", "scripted").externalId()).isEqualTo("T-O-1");
    }

    @Test
    void manyIncidentsInParallelEachStrictlyInOrderAndExactlyOnce() throws Exception {
        List<String> expected = List.of("declare", "ack", "note", "mitigate", "resolve");
        for (int i = 0; i < 100; i++) {
            String id = "P-" + i;
            declare(id, Severity.SEV1);
            append(id, EventType.ACK);
            append(id, EventType.NOTE);
            append(id, EventType.MITIGATE);
            append(id, EventType.RESOLVE);
        }
        for (int i = 0; i < 20; i++) { // transient failures: the first rows fail up to 3 times (max attempts is 4)
            sink.script.add(new DeliveryResult.Retry("HTTP 500", null));
        }
        drainUntilSettled(400);
        for (int i = 0; i < 100; i++) {
            assertThat(sink.delivered.get("P-" + i)).as("P-" + i).containsExactlyElementsOf(expected);
        }
        assertThat(sink.overlapSeen).isFalse();
        assertThat(outbox.count("scripted", "delivered")).isEqualTo(500);
    }

    @Test
    void retryAfterIsHonouredAndRetryStateLivesInTheRow() throws Exception {
        declare("R-1", Severity.SEV1);
        sink.script.add(new DeliveryResult.Retry("HTTP 429: ratelimited", Duration.ofSeconds(30)));
        drain();
        OutboxRow row = outbox.list("scripted", "pending", 0, 10).get(0);
        assertThat(row.attempts()).as("a rate-limited answer is not a failed attempt").isZero();
        assertThat(row.lastError()).contains("429");
        assertThat(row.nextAttemptAt()).isAfter(java.time.Instant.now().plusSeconds(25));
        drain();
        assertThat(sink.delivered.get("R-1")).isNull(); // not due yet
    }

    @Test
    void rateLimitedAnswersDoNotSpendTheAttemptBudget() throws Exception {
        declare("L-1", Severity.SEV1); // max attempts is 4: six 429s and then three 500s would be dead if all counted
        for (int i = 0; i < 6; i++) {
            sink.script.add(new DeliveryResult.Retry("HTTP 429: ratelimited", Duration.ZERO));
        }
        for (int i = 0; i < 3; i++) {
            sink.script.add(new DeliveryResult.Retry("HTTP 500", null));
        }
        drainUntilSettled(60);
        assertThat(sink.delivered.get("L-1")).containsExactly("declare");
        assertThat(outbox.count("scripted", "dead")).isZero();
        assertThat(sink.calls.get()).isEqualTo(10);
        assertThat(counter("gateway.outbox.rate_limited")).as("the paced answers, apart from the failures").isEqualTo(6);
        assertThat(meters.get("gateway.outbox.failures").tag("kind", "retry").counter().count()).as("as before: every retry")
                .isEqualTo(9);
    }

    @Test
    void everyOutcomeCounterOfAConnectorIsThereAtZeroBeforeItsFirstDelivery() {
        for (String name : new String[]{"gateway.outbox.delivered", "gateway.outbox.rate_limited", "gateway.outbox.deadline.exceeded"}) {
            assertThat(counter(name)).as(name).isZero();
        }
        for (String kind : new String[]{"retry", "dead"}) {
            assertThat(meters.get("gateway.outbox.failures").tag("connector", "scripted").tag("kind", kind).counter().count())
                    .as(kind).isZero();
        }
    }

    @Test
    void theDeliveryLatencyHasSixteenBucketsFromFiveMillisecondsToAnHour() {
        double[] boundaries = java.util.Arrays.stream(meters.get("gateway.outbox.delivery.latency").tag("connector", "scripted")
                .timer().takeSnapshot().histogramCounts()).mapToDouble(b -> b.bucket(java.util.concurrent.TimeUnit.SECONDS)).toArray();
        assertThat(boundaries).as("a few per connector, where deliveries fall: not 69 up to 30 s").containsExactly(0.005, 0.01,
                0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600);
    }

    private double counter(String name) {
        return meters.get(name).tag("connector", "scripted").counter().count();
    }

    @Test
    void aRetryThatMustNotComeSoonWaitsAtLeastThatLongAndCountsAsAFailedAttempt() throws Exception {
        declare("W-1", Severity.SEV1);
        sink.script.add(new DeliveryResult.Retry("HTTP 502: create issue", null).notBefore(Duration.ofSeconds(60)));
        java.time.Instant before = java.time.Instant.now();
        drainUntilSettled(3);
        assertThat(outbox.list("scripted", "pending", 0, 10)).singleElement().satisfies(r -> {
            assertThat(r.attempts()).as("a failed attempt, not a rate limit").isEqualTo(1);
            assertThat(r.nextAttemptAt()).as("the backoff alone would be 0.5-1 x the first step")
                    .isAfterOrEqualTo(before.plusSeconds(60));
        });
        assertThat(sink.calls.get()).isEqualTo(1);
    }

    @Test
    void aDeadRowHoldsBackItsIncidentUntilReplayedThenTheRestFollowInOrder() throws Exception {
        declare("D-1", Severity.SEV1);
        append("D-1", EventType.ACK);
        append("D-1", EventType.RESOLVE);
        declare("D-2", Severity.SEV1);
        sink.scriptFor.put("D-1", new ConcurrentLinkedQueue<>(List.of(new DeliveryResult.Dead("HTTP 400: short_description is required"))));
        drainUntilSettled(20);
        List<OutboxRow> dead = outbox.list("scripted", "dead", 0, 10);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(r.incidentId()).isEqualTo("D-1");
            assertThat(r.lastError()).contains("short_description");
        });
        assertThat(sink.delivered.get("D-1")).isNull();
        assertThat(sink.delivered.get("D-2")).containsExactly("declare"); // other incidents are not held back

        assertThat(outbox.replay(dead.get(0).id(), java.time.Instant.now())).isTrue();
        drainUntilSettled(20);
        assertThat(sink.delivered.get("D-1")).containsExactly("declare", "ack", "resolve");
    }

    @Test
    void skippingADeadRowReleasesTheRest() throws Exception {
        declare("S-1", Severity.SEV1);
        append("S-1", EventType.NOTE);
        sink.script.add(new DeliveryResult.Dead("HTTP 403"));
        drainUntilSettled(10);
        long deadId = outbox.list("scripted", "dead", 0, 10).get(0).id();
        assertThat(outbox.skip(deadId, java.time.Instant.now())).isTrue();
        drainUntilSettled(10);
        assertThat(sink.delivered.get("S-1")).containsExactly("note");
        assertThat(outbox.row(deadId).orElseThrow().status()).isEqualTo("skipped");
    }

    @Test
    void aRowThatKeepsFailingIsDeadAfterMaxAttempts() throws Exception {
        declare("M-1", Severity.SEV1);
        for (int i = 0; i < 10; i++) {
            sink.script.add(new DeliveryResult.Retry("HTTP 502", null));
        }
        drainUntilSettled(60);
        OutboxRow row = outbox.list("scripted", "dead", 0, 10).get(0);
        assertThat(row.attempts()).isEqualTo(4);
        assertThat(row.lastError()).contains("gave up after 4 attempts");
    }

    @Test
    void backoffGrowsExponentiallyWithJitter() {
        OutboxRelay r = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(Duration.ofMillis(1000), 10, 1),
                new SimpleMeterRegistry(), Clock.systemUTC());
        try {
            for (int attempt = 1; attempt <= 5; attempt++) {
                long ms = r.backoff(attempt).toMillis();
                long base = 1000L << (attempt - 1);
                assertThat(ms).isBetween(base / 2, base);
            }
            // Jitter: the same attempt's delay varies from call to call (a fixed factor would give one value), so
            // rows that failed together do not all retry at the same instant.
            java.util.Set<Long> delays = new java.util.HashSet<>();
            for (int i = 0; i < 50; i++) {
                delays.add(r.backoff(3).toMillis());
            }
            assertThat(delays).as("delays of attempt 3 over 50 calls").hasSizeGreaterThan(10);
            assertThat(r.backoff(40).toMillis()).isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
        } finally {
            r.close();
        }
    }

    @Test
    void backoffStopsDoublingAtTheConfiguredMaximum() {
        OutboxRelay.Settings base = new OutboxRelay.Settings(Duration.ofMillis(100), 30, 1);
        OutboxRelay r = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(base.firstBackoff(), base.maxAttempts(),
                base.concurrency(), base.lease(), base.maxRetryAfter(), base.deliveryDeadline(), Duration.ofSeconds(2)),
                new SimpleMeterRegistry(), Clock.systemUTC());
        try {
            assertThat(r.backoff(3).toMillis()).as("below the cap: still 100 ms x 2^2, with jitter").isBetween(200L, 400L);
            for (int attempt : new int[]{6, 10, 25}) {
                assertThat(r.backoff(attempt).toMillis()).as("attempt %d", attempt).isBetween(1000L, 2000L);
            }
        } finally {
            r.close();
        }
    }

    @Test
    void theRelayClaimsMoreRowsThanItCallsAtOnceButNeverCallsMoreThanItsConcurrency() throws Exception {
        relay.close();
        relay = new OutboxRelay(sink, outbox, timeline, new OutboxRelay.Settings(Duration.ofMillis(1), 4, 2),
                new SimpleMeterRegistry(), Clock.systemUTC());
        for (int i = 1; i <= 12; i++) {
            declare("K-" + i, Severity.SEV2);
            append("K-" + i, EventType.NOTE);
        }
        assertThat(relay.pass()).as("a row per slot: %d slots per call", RelaySlots.SLOTS_PER_CALL)
                .isEqualTo(2 * RelaySlots.SLOTS_PER_CALL);
        drain();
        for (int i = 1; i <= 12; i++) {
            assertThat(sink.delivered.get("K-" + i)).containsExactly("declare", "note");
        }
        assertThat(sink.mostOpen.get()).as("calls at the target at once").isBetween(1, 2);
        assertThat(sink.overlapSeen).isFalse();
    }
}
