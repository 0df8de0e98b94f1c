package dev.incidentgateway.outbox;

import dev.incidentgateway.outbox.RelayScript.Step;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox relay under random failures, on each kind of store: a generated {@link RelayScript} commits events of a
 * few incidents for two or three connectors while relays deliver them to a {@link RecordingVendor} that answers success,
 * retryable failure, rate limit (Retry-After 0–1 s), permanent failure, a call that hangs past the delivery deadline or
 * an exception; an operator replays and skips dead rows at random points; an instance stops (its drain sometimes
 * running out) and starts again. On PostgreSQL two instances share the store, and the one restarted leaves its claims
 * to the other through the lease. Once the run has settled, {@link RelayRunInvariants} must hold.
 *
 * <p>Small backoff, lease and deadline keep a run to seconds. {@code -Doutbox.relay.soak.minutes=N} also runs the soak
 * property for about N minutes; each property writes what it ran to {@code target/outbox-relay-property-<store>.txt}.
 */
abstract class OutboxRelayPropertyContract {
    static final int MAX_ATTEMPTS = 4;
    static final OutboxRelay.Settings SETTINGS = new OutboxRelay.Settings(Duration.ofMillis(20), MAX_ATTEMPTS, 2,
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(600), Duration.ofMillis(200));
    static final Duration POLL = Duration.ofMillis(25);
    /** How long a run may take to settle before the test fails: far beyond a lease, a Retry-After and a backoff. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(90);
    static final List<String> CONNECTORS = List.of("c0", "c1", "c2");
    private static final Map<TestStore.Kind, Map<Integer, OutboxTestStore>> STORES = new EnumMap<>(TestStore.Kind.class);
    private static final Map<TestStore.Kind, RelayRunTally> TALLIES = new EnumMap<>(TestStore.Kind.class);
    private static final long SOAK_NANOS = Duration.ofMinutes(Long.getLong("outbox.relay.soak.minutes", 0)).toNanos();
    private static long soakStarted;
    private static int runs;

    abstract TestStore.Kind kind();

    /** Gateway instances sharing the store: one on H2, which only one process opens. */
    abstract int instances();

    @Provide
    Arbitrary<RelayScript> scripts() {
        return RelayScript.scripts(30);
    }

    @Property(tries = 6)
    void eachEventIsDeliveredOnceInOrderOrHeldBackByADeadRow(@ForAll("scripts") RelayScript script) throws Exception {
        run(script);
    }

    /**
     * The long run, only with {@code -Doutbox.relay.soak.minutes=N}: as many tries as fit in N minutes (the tries left
     * then pass without running).
     */
    @Property(tries = 100_000)
    @AddLifecycleHook(SoakRequested.class)
    void soak(@ForAll("scripts") RelayScript script) throws Exception {
        synchronized (OutboxRelayPropertyContract.class) {
            if (soakStarted == 0) {
                soakStarted = System.nanoTime();
            }
        }
        if (System.nanoTime() - soakStarted < SOAK_NANOS) {
            run(script);
        }
    }

    static final class SoakRequested implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return SOAK_NANOS > 0 ? SkipResult.doNotSkip() : SkipResult.skip("a soak run: -Doutbox.relay.soak.minutes=N");
        }
    }

    @AfterContainer
    static void closeStores() throws java.io.IOException {
        STORES.values().forEach(byCount -> byCount.values().forEach(OutboxTestStore::close));
        STORES.clear();
        for (Map.Entry<TestStore.Kind, RelayRunTally> e : TALLIES.entrySet()) {
            String store = e.getKey() == TestStore.Kind.H2 ? "h2" : "postgresql";
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "outbox-relay-property-" + store + ".txt"),
                    e.getValue().summary(store));
        }
        TALLIES.clear();
        soakStarted = 0;
    }

    /** A store subscribing the first {@code connectors} connectors, emptied of earlier runs' rows. */
    private OutboxTestStore store(int connectors) throws Exception {
        OutboxTestStore store;
        synchronized (STORES) {
            store = STORES.computeIfAbsent(kind(), k -> new HashMap<>()).computeIfAbsent(connectors,
                    n -> new OutboxTestStore(kind(), CONNECTORS.subList(0, n).toArray(String[]::new)));
        }
        try (Connection c = store.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM outbox");
        }
        return store;
    }

    private void run(RelayScript script) throws Exception {
        // A failure the relay did not expect is a WARN of RelaySlots; a shutdown whose drain ran out (a restart below)
        // is expected and must not read as one (the soak found "failed unexpectedly: RejectedExecutionException").
        try (CapturedLogs logs = CapturedLogs.of(RelaySlots.class.getName())) {
            runLogged(script);
            assertThat(logs.lines(e -> e.getFormattedMessage().contains("failed unexpectedly"))).as("unexpected failures").isEmpty();
        }
    }

    private void runLogged(RelayScript script) throws Exception {
        OutboxTestStore store = store(script.connectors());
        List<String> connectors = CONNECTORS.subList(0, script.connectors());
        String prefix = "R" + (++runs) + "x";
        RecordingVendor vendor = new RecordingVendor(script, store.dataSource, connectors);
        OutboxRelay.Settings settings = new OutboxRelay.Settings(SETTINGS.firstBackoff(), MAX_ATTEMPTS, script.concurrency(),
                SETTINGS.lease(), SETTINGS.maxRetryAfter(), SETTINGS.deliveryDeadline(), SETTINGS.maxBackoff());
        RelayRunTally tally = TALLIES.computeIfAbsent(kind(), k -> new RelayRunTally());
        List<RelayInstance> instances = new ArrayList<>();
        List<RelayInstance> stopped = new ArrayList<>();
        Set<Integer> abandoned = new HashSet<>();
        Map<Long, Long> lastReplay = new HashMap<>();
        Map<String, List<Long>> committed = new TreeMap<>();
        for (int i = 0; i < instances(); i++) {
            instances.add(new RelayInstance(i, connectors, vendor, store.outbox, store.timeline, settings, POLL));
        }
        try {
            int generations = instances.size();
            for (Step step : script.steps()) {
                if (step instanceof RelayScript.Append a) {
                    String incident = prefix + "-" + (a.incident() % script.incidents());
                    List<Long> seqs = committed.computeIfAbsent(incident, k -> new ArrayList<>());
                    for (int i = 0; i < a.events(); i++) {
                        seqs.add(append(store, incident, seqs.isEmpty()));
                    }
                    instances.get(0).wake();
                } else if (step instanceof RelayScript.Pause p) {
                    Thread.sleep(p.millis());
                } else if (step instanceof RelayScript.ReplayDead r) {
                    for (long id : pickDead(store, r.pick())) {
                        long before = vendor.tick(); // every call of the dead row came before; every later one after
                        if (store.outbox.replay(id, Instant.now())) {
                            lastReplay.put(id, before);
                        }
                    }
                } else if (step instanceof RelayScript.SkipDead s) {
                    for (long id : pickDead(store, s.pick())) {
                        tally.skips += store.outbox.skip(id, Instant.now()) ? 1 : 0;
                    }
                } else if (step instanceof RelayScript.ReplayConnector r) {
                    long before = vendor.tick();
                    new DeadReplay(store.dataSource).replay(new DeadReplayFilter(connectors.get(r.connector() % connectors.size()),
                            null, null, null, null), Instant.now()).forEach(id -> lastReplay.put(id, before));
                } else if (step instanceof RelayScript.Restart r) {
                    RelayInstance last = instances.remove(instances.size() - 1);
                    if (last.stop(Duration.ofMillis(r.drainMillis()))) {
                        abandoned.add(last.generation);
                    }
                    stopped.add(last);
                    if (instances.isEmpty()) { // the only process on its store: its start releases the ended run's claims
                        last.awaitCallsEnded();
                        store.outbox.releaseClaimsOfEndedRun(Instant.now());
                    }
                    instances.add(new RelayInstance(generations++, connectors, vendor, store.outbox, store.timeline, settings, POLL));
                    tally.restarts++;
                }
            }
            vendor.allSucceed = true;
            instances.forEach(RelayInstance::wake);
            new RelaySettling(store.outbox, vendor, instances, stopped).await(SETTLE_LIMIT);
        } finally {
            for (RelayInstance instance : instances) {
                instance.stop(SETTINGS.lease());
            }
        }
        List<OutboxRow> rows = store.outbox.list(null, null, 0, 100_000);
        tally.add(rows, vendor.calls(), abandoned.size(), lastReplay.size());
        assertThat(vendor.violations).as("seen while delivering").isEmpty();
        assertThat(new RelayRunInvariants(rows, vendor.calls(), abandoned, lastReplay, connectors, committed, MAX_ATTEMPTS).problems())
                .as("after settling").isEmpty();
    }

    private static long append(OutboxTestStore store, String incident, boolean first) {
        NewEvent event = first
                ? NewEvent.builder(EventType.DECLARE, "a").incident(incident).title("t").severity(Severity.SEV1).build()
                : NewEvent.builder(EventType.NOTE, "a").incident(incident).content("note").build();
        return store.timeline.append(event).event().seq();
    }

    /** The {@code pick}-th dead row (modulo their number), or none. */
    private static List<Long> pickDead(OutboxTestStore store, int pick) throws java.sql.SQLException {
        List<OutboxRow> dead = store.outbox.list(null, "dead", 0, 1000);
        return dead.isEmpty() ? List.of() : List.of(dead.get(pick % dead.size()).id());
    }
}
