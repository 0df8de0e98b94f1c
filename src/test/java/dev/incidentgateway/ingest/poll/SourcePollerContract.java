package dev.incidentgateway.ingest.poll;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.AdvisoryLease;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The poller framework with a scripted source, on each kind of store. */
abstract class SourcePollerContract {
    TestStore testStore;
    HikariDataSource dataSource;
    TimelineStore store;
    SqlDialect dialect;
    /** Where the pollers' clock starts (PollerRouteTest's too). */
    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    final MutableClock clock = new MutableClock(START);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    abstract TestStore.Kind kind();

    @BeforeEach
    void open() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind());
        GatewayConfig config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        store = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 64, 1000, meters, testStore.chainKey(), List.of());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
            dataSource.close();
            testStore.close();
        }
    }

    /** Serves scripted pages; records the watermark each poll was asked with. */
    static final class ScriptedSource implements PollingSource {
        final Deque<Object> script = new ArrayDeque<>();
        final List<String> askedWith = new ArrayList<>();
        final AtomicInteger polls = new AtomicInteger();
        private final String name;

        ScriptedSource() {
            this("scripted");
        }

        ScriptedSource(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Duration interval() {
            return Duration.ofSeconds(60);
        }

        @Override
        public PollPage poll(String watermark) throws PollFailure {
            polls.incrementAndGet();
            askedWith.add(watermark);
            Object next = script.poll();
            if (next instanceof PollFailure f) {
                throw f;
            }
            return next == null ? new PollPage(List.of(), watermark, false) : (PollPage) next;
        }
    }

    static NewEvent declare(String id) {
        return NewEvent.builder(EventType.DECLARE, "itsm").incident(id).title("From ITSM").source("/connectors/scripted")
                .ceId(id + ":1").build();
    }

    @Test
    void pagesAreAppendedWithTheirWatermarksAndTheNextPollResumesFromTheLast() {
        ScriptedSource source = new ScriptedSource();
        source.script.add(new PollPage(List.of(declare("SP-1"), declare("SP-2")), "w1", true));
        source.script.add(new PollPage(List.of(declare("SP-3")), "w2", false));
        try (SourcePoller poller = new SourcePoller(source, store, dataSource, dialect, clock, new SimpleMeterRegistry())) {
            poller.tick();
            assertThat(source.askedWith).containsExactly(null, "w1");
            assertThat(store.watermark("scripted")).contains("w2");
            assertThat(store.incident("SP-3")).isPresent();
            assertThat(poller.status()).isEqualTo(SourcePoller.Status.UP);

            poller.tick(); // not due yet
            assertThat(source.polls.get()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(61));
            poller.tick();
            assertThat(source.askedWith).containsExactly(null, "w1", "w2");
        }
    }

    @Test
    void aRecordBreakingTheLimitsIsSkippedWithItsWatermarkAndCounted() {
        ScriptedSource source = new ScriptedSource();
        NewEvent tooLong = NewEvent.builder(EventType.DECLARE, "itsm").incident("SP-L").title("t".repeat(1025))
                .source("/connectors/scripted").ceId("SP-L:1").build();
        NewEvent nul = NewEvent.builder(EventType.DECLARE, "itsm").incident("SP-N").title("a\u0000b")
                .source("/connectors/scripted").ceId("SP-N:1").build();
        source.script.add(new PollPage(List.of(tooLong, declare("SP-OK"), nul), "w-bad", false));
        try (SourcePoller poller = new SourcePoller(source, store, dataSource, dialect, clock, new SimpleMeterRegistry())) {
            poller.tick();
            assertThat(poller.status()).isEqualTo(SourcePoller.Status.UP);
            assertThat(store.incident("SP-OK")).isPresent();
            assertThat(store.incident("SP-L")).isEmpty();
            assertThat(store.incident("SP-N")).isEmpty();
            assertThat(store.watermark("scripted")).contains("w-bad");
            assertThat(meters.counter("gateway.poll.invalid_records", "poller", "poller:scripted", "field", "title").count())
                    .isEqualTo(2.0);
            clock.advance(Duration.ofSeconds(61));
            poller.tick();
            assertThat(source.askedWith).containsExactly(null, "w-bad"); // moved on, not retried from the start
        }
    }

    static NewEvent change(String id, EventType type, String ceId) {
        return NewEvent.builder(type, "hank").incident(id).content(type.wireName() + " by hank").source("/connectors/scripted").ceId(ceId).build();
    }

    @Test
    void aRefusedChangeIsLoggedOnceAtWarnNamingTicketChangeAndReasonNotAgainWhenTheOverlapReadsItAgain() {
        ScriptedSource source = new ScriptedSource();
        source.script.add(new PollPage(List.of(declare("SP-R"), change("SP-R", EventType.RESOLVE, "SP-R:2"),
                change("SP-R", EventType.CLOSE, "SP-R:3")), "w1", false));
        // someone moved the ticket back to work after the incident was closed: the state machine refuses it
        PollPage reopenedAfterClose = new PollPage(List.of(change("SP-R", EventType.ACK, "SP-R:4"),
                change("SP-R", EventType.CLOSE, "SP-R:5")), "w2", false); // the repeat of the status it is in: lost nothing
        source.script.add(reopenedAfterClose);
        source.script.add(reopenedAfterClose); // the overlap window reads the same changes again
        String pollers = SourcePoller.class.getPackageName();
        try (CapturedLogs logs = CapturedLogs.of(pollers).atLevel(pollers, ch.qos.logback.classic.Level.DEBUG);
             SourcePoller poller = new SourcePoller(source, store, dataSource, dialect, clock, new SimpleMeterRegistry())) {
            for (int i = 0; i < 3; i++) {
                poller.tick();
                clock.advance(Duration.ofSeconds(61));
            }
            assertThat(source.polls.get()).isEqualTo(3);
            assertThat(logs.lines(e -> e.getFormattedMessage().startsWith("scripted poll:"))).containsExactly(
                    "WARN scripted poll: SP-R:4: ack by hank (change SP-R:4) did not reach incident SP-R: "
                            + "'ack' is not allowed while the incident is closed: closed is terminal",
                    "DEBUG scripted poll: SP-R:5: close by hank (change SP-R:5) did not reach incident SP-R: "
                            + "'close' is not allowed while the incident is closed: closed is terminal");
        }
    }

    @Test
    void refusedCredentialsStopThePollerAndReportDown() {
        ScriptedSource source = new ScriptedSource();
        source.script.add(new PollFailure(PollFailure.Kind.AUTH, "HTTP 401: User Not Authenticated", null));
        try (CapturedLogs logs = CapturedLogs.of(SourcePoller.class.getName());
             SourcePoller poller = new SourcePoller(source, store, dataSource, dialect, clock, meters)) {
            assertThat(pollMeter("gateway.poll.stopped").gauge().value()).as("there from the start").isZero();
            assertThat(pollMeter("gateway.poll.failures").tag("kind", "credentials").counter().count()).isZero();
            poller.tick();
            assertThat(poller.status()).isEqualTo(SourcePoller.Status.DOWN);
            assertThat(poller.detail()).contains("401");
            assertThat(pollMeter("gateway.poll.stopped").gauge().value()).as("an alert needs no /health probe").isEqualTo(1);
            assertThat(pollMeter("gateway.poll.failures").tag("kind", "credentials").counter().count()).isEqualTo(1);
            assertThat(logs.lines(e -> true)).singleElement().asString().startsWith("ERROR scripted poller stopped: the credentials "
                    + "were refused (HTTP 401: User Not Authenticated). Fix them and restart the gateway");
            clock.advance(Duration.ofSeconds(3600));
            poller.tick();
            assertThat(source.polls.get()).isEqualTo(1);
            assertThat(pollMeter("gateway.poll.last.success.timestamp.seconds").gauge().value()).as("never succeeded").isZero();
        }
    }

    private io.micrometer.core.instrument.search.RequiredSearch pollMeter(String name) {
        return meters.get(name).tag("poller", "scripted");
    }

    @Test
    void transientFailuresBackOffHonouringRetryAfter() {
        ScriptedSource source = new ScriptedSource();
        source.script.add(new PollFailure(PollFailure.Kind.TRANSIENT, "HTTP 429", Duration.ofSeconds(300)));
        source.script.add(new PollPage(List.of(declare("SP-9")), "w9", false));
        try (SourcePoller poller = new SourcePoller(source, store, dataSource, dialect, clock, meters)) {
            poller.tick();
            assertThat(poller.status()).isEqualTo(SourcePoller.Status.BACKING_OFF);
            assertThat(pollMeter("gateway.poll.failures").tag("kind", "transient").counter().count()).isEqualTo(1);
            assertThat(pollMeter("gateway.poll.stopped").gauge().value()).isZero();
            assertThat(pollMeter("gateway.poll.last.success.timestamp.seconds").gauge().value()).isZero();
            clock.advance(Duration.ofSeconds(299));
            poller.tick();
            assertThat(source.polls.get()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            poller.tick();
            assertThat(store.watermark("scripted")).contains("w9");
            assertThat(poller.status()).isEqualTo(SourcePoller.Status.UP);
            assertThat(pollMeter("gateway.poll.last.success.timestamp.seconds").gauge().value()).as("the lag's start")
                    .isEqualTo(clock.instant().toEpochMilli() / 1000.0);
        }
    }

    @Test
    void onPostgresqlOneInstancePollsAndAnotherTakesOverWhenItGoes() {
        // The embedded store has one process: it always leads. Shown as skipped on H2, not as passed.
        org.junit.jupiter.api.Assumptions.assumeTrue(dialect == SqlDialect.POSTGRESQL, "leadership needs PostgreSQL");
        ScriptedSource a = new ScriptedSource();
        ScriptedSource b = new ScriptedSource();
        SourcePoller first = new SourcePoller(a, store, dataSource, dialect, clock, new SimpleMeterRegistry());
        try (SourcePoller second = new SourcePoller(b, store, dataSource, dialect, clock, new SimpleMeterRegistry())) {
            first.tick();
            second.tick();
            assertThat(a.polls.get()).isEqualTo(1);
            assertThat(b.polls.get()).isZero();
            assertThat(second.status()).isEqualTo(SourcePoller.Status.STANDBY);
            first.close(); // the leader goes away
            clock.advance(Duration.ofSeconds(61));
            second.tick();
            assertThat(b.polls.get()).isEqualTo(1);
            assertThat(second.status()).isEqualTo(SourcePoller.Status.UP);
        }
    }

    @Test
    void onPostgresqlALeaderWhoseCredentialsAreRefusedLetsAnotherInstancePoll() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dialect == SqlDialect.POSTGRESQL, "leadership needs PostgreSQL");
        ScriptedSource refused = new ScriptedSource();
        refused.script.add(new PollFailure(PollFailure.Kind.AUTH, "HTTP 401: User Not Authenticated", null));
        ScriptedSource rotated = new ScriptedSource(); // the instance whose secret was already rotated
        rotated.script.add(new PollPage(List.of(declare("SP-ROT")), "w-rot", false));
        try (SourcePoller first = new SourcePoller(refused, store, dataSource, dialect, clock, new SimpleMeterRegistry());
             SourcePoller second = new SourcePoller(rotated, store, dataSource, dialect, clock, new SimpleMeterRegistry())) {
            first.tick();
            assertThat(first.status()).isEqualTo(SourcePoller.Status.DOWN);
            second.tick(); // the stopped leader is still running: before, it kept the lock and this stayed STANDBY
            assertThat(rotated.polls.get()).isEqualTo(1);
            assertThat(second.status()).isEqualTo(SourcePoller.Status.UP);
            assertThat(store.watermark("scripted")).contains("w-rot");
            clock.advance(Duration.ofSeconds(3600));
            first.tick();
            assertThat(refused.polls.get()).as("stopped until restarted").isEqualTo(1);
        }
    }

    /**
     * A leader whose held connection no longer answers {@code isValid} in time (a busy server) gives it up and takes
     * another. The pool does not reset a session's advisory locks: the connection it got back still held the lock, so no
     * instance could poll (this one on its new connection included) until the pool retired that connection, 30 min later.
     */
    @Test
    void onPostgresqlALeaseGivenUpLeavesNoLockBehindInThePool() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dialect == SqlDialect.POSTGRESQL, "leadership needs PostgreSQL");
        java.util.concurrent.atomic.AtomicBoolean answersIsValid = new java.util.concurrent.atomic.AtomicBoolean(true);
        javax.sql.DataSource slowToAnswer = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (ds, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    java.sql.Connection real = dataSource.getConnection();
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class},
                            (c, cm, cargs) -> cm.getName().equals("isValid") && !answersIsValid.get() ? Boolean.FALSE
                                    : invoke(cm, real, cargs));
                });
        AdvisoryLease leader = new AdvisoryLease(slowToAnswer, dialect, AdvisoryLease.SOURCE_POLLERS, "scripted");
        // Another instance: a pool of its own (one pool could hand it the very session that holds the lock, which takes it again).
        HikariDataSource otherPool = StoreFactory.openAndMigrate(testStore.config());
        AdvisoryLease other = new AdvisoryLease(otherPool, dialect, AdvisoryLease.SOURCE_POLLERS, "scripted");
        try {
            assertThat(leader.acquire()).isTrue();
            assertThat(other.acquire()).isFalse();

            answersIsValid.set(false);
            leader.acquire(); // gives its connection up; takes the lock again on another, or on the same one from the pool
            answersIsValid.set(true);
            leader.close(); // the instance stops

            assertThat(other.acquire()).as("the lock is free once the leader is gone").isTrue();
        } finally {
            other.close();
            otherPool.close();
        }
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
