package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The store lifecycle of the SLA contracts that need one migrated store per test class: opened on the first test of the
 * class (H2 or PostgreSQL, as the subclass says; PostgreSQL skips visibly without GATEWAY_TEST_PG_URL), closed after
 * its last. Classes run one after another, so the next class opens its own.
 */
abstract class SlaStoreContract {
    static SlaTestStore db;

    abstract TestStore.Kind kind();

    @BeforeEach
    void openStore() {
        if (db == null) {
            db = SlaTestStore.open(kind());
        }
    }

    @AfterAll
    static void closeStore() {
        if (db != null) {
            db.close();
        }
        db = null;
    }

    /**
     * Declares {@code ids} as sev1 incidents at {@code declaredAt} and returns a tracker whose clock is 30 days later, under
     * a sev1 policy of 10 minutes to acknowledge and 4 hours to resolve: both are found breached, a breach note each.
     */
    static SlaTracker sev1DeclaredAMonthAgo(List<String> ids, Instant declaredAt) {
        for (String id : ids) {
            db.store.appendAll(List.of(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("db down")
                    .severity(Severity.SEV1).eventTime(declaredAt).build()));
        }
        SlaPolicies policies = new SlaPolicies(Map.of(Severity.SEV1, new SlaPolicy(Map.of(
                SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null)));
        return new SlaTracker(db.store, policies, new MutableClock(declaredAt.plus(Duration.ofDays(30))),
                new SimpleMeterRegistry());
    }
}
