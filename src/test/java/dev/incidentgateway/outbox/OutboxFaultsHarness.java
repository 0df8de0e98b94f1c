package dev.incidentgateway.outbox;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.time.Instant;

/**
 * What every outbox-under-faults contract (OutboxOperatorRacesContract, OutboxSlowCallsContract,
 * OutboxShutdownAndPurgeContract) shares: a fresh store per test, a {@link GatedSink} the test holds and a clock the
 * test moves, which make the races deterministic; a relay started by the test with the settings it needs.
 */
abstract class OutboxFaultsHarness {
    /** The test clock's start: later than the rows' commit time (the real clock), in whole seconds. */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plus(Duration.ofHours(1));
    static final Duration LEASE = Duration.ofSeconds(60);

    OutboxTestStore store;
    HikariDataSource dataSource;
    TimelineStore timeline;
    OutboxStore outbox;
    GatedSink sink;
    final MutableClock clock = new MutableClock(T0);
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

    void declare(String id) {
        timeline.append(NewEvent.builder(EventType.DECLARE, "a").incident(id).title("t").severity(Severity.SEV1).build());
    }

    void append(String id, EventType type) {
        timeline.append(NewEvent.builder(type, "a").incident(id).content(type.wireName() + " by a").build());
    }

    OutboxRow onlyRow(String incident) throws Exception {
        return outbox.list("gated", null, 0, 100).stream().filter(r -> r.incidentId().equals(incident)).findFirst().orElseThrow();
    }
}
