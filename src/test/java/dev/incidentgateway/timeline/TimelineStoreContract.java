package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour of the timeline store, run against each kind of store (H2 and PostgreSQL subclasses).
 * One fresh store per class; each test uses its own incident ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TimelineStoreContract {
    private static final AtomicInteger IDS = new AtomicInteger(100);

    TestStore testStore;
    HikariDataSource dataSource;
    TimelineStore store;
    SqlDialect dialect;

    abstract TestStore.Kind kind();

    @BeforeAll
    void openStore() {
        if (kind() == TestStore.Kind.POSTGRESQL && !PostgresTestDatabase.available()) {
            return; // each test reports itself skipped (or failed in CI) in requireStore()
        }
        testStore = TestStore.create(kind());
        GatewayConfig config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        store = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 256, 10_000, new SimpleMeterRegistry(), testStore.chainKey(), List.of());
    }

    /** Per test, not per class: a class-level skip shows as "Tests run: 0", which hides that nothing ran. */
    @BeforeEach
    void requireStore() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
    }

    @AfterAll
    void closeStore() {
        if (store != null) {
            store.close();
            dataSource.close();
        }
        if (testStore != null) {
            testStore.close();
        }
    }

    static String newId() {
        return "T-" + IDS.incrementAndGet();
    }

    static NewEvent declare(String id) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("Checkout failing").severity(Severity.SEV2).build();
    }

    static NewEvent event(String id, EventType type) {
        return NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").build();
    }

    static NewEvent stateChange(String id, String to) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("to", to).put("reason", "test");
        return NewEvent.builder(EventType.STATE_CHANGE, "bob").incident(id).data(data).build();
    }

    long countEvents() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM timeline_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void declareWithoutIdGetsIncNFromTheSequence() {
        AppendOutcome a = store.append(NewEvent.builder(EventType.DECLARE, "alice").title("first").build());
        AppendOutcome b = store.append(NewEvent.builder(EventType.DECLARE, "alice").title("second").build());
        assertThat(a.event().incidentId()).matches("INC-\\d+");
        long n = Long.parseLong(a.event().incidentId().substring(4));
        assertThat(b.event().incidentId()).isEqualTo("INC-" + (n + 1));
        Incident view = store.incident(a.event().incidentId()).orElseThrow();
        assertThat(view.status()).isEqualTo(IncidentStatus.DECLARED);
        assertThat(view.severity()).isEqualTo(Severity.SEV3);
        assertThat(view.lastSeq()).isEqualTo(1);
    }

    @Test
    void generatedIdsSkipNumbersTakenByHand() {
        long next = Long.parseLong(store.append(NewEvent.builder(EventType.DECLARE, "a").title("x").build())
                .event().incidentId().substring(4)) + 1;
        store.append(declare("INC-" + next));
        String generated = store.append(NewEvent.builder(EventType.DECLARE, "a").title("y").build()).event().incidentId();
        assertThat(generated).isEqualTo("INC-" + (next + 1));
    }

    @Test
    void lifecycleMaintainsTheViewAndAGaplessSeq() {
        String id = newId();
        store.append(declare(id));
        store.append(event(id, EventType.ACK));
        ObjectNode role = JsonNodeFactory.instance.objectNode().put("role", "commander").put("assignee", "carol");
        store.append(NewEvent.builder(EventType.ROLE_ASSIGN, "bob").incident(id).data(role).build());
        store.append(event(id, EventType.MITIGATE));
        store.append(event(id, EventType.RESOLVE));
        Incident resolved = store.incident(id).orElseThrow();
        assertThat(resolved.resolvedAt()).isNotNull();

        store.append(stateChange(id, "acknowledged")); // reopen
        Incident reopened = store.incident(id).orElseThrow();
        assertThat(reopened.status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(reopened.resolvedAt()).isNull();
        assertThat(reopened.acknowledgedAt()).isEqualTo(resolved.acknowledgedAt());
        assertThat(reopened.commander()).isEqualTo("carol");

        store.append(event(id, EventType.RESOLVE));
        store.append(event(id, EventType.CLOSE));
        List<TimelineEvent> events = store.timeline(id, null, 100);
        assertThat(events).extracting(TimelineEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(events).extracting(TimelineEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(0).prevHash()).isEqualTo(EventHasher.GENESIS);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).prevHash()).isEqualTo(events.get(i - 1).hash());
        }
        Incident closed = store.incident(id).orElseThrow();
        assertThat(closed.status()).isEqualTo(IncidentStatus.CLOSED);
        assertThat(closed.closedAt()).isNotNull();
        assertThat(closed.lastSeq()).isEqualTo(8);
        assertThat(closed.lastEventId()).isEqualTo(events.get(7).id());
    }

    @Test
    void refusedTransitionsStoreNothing() throws SQLException {
        String id = newId();
        store.append(declare(id));
        long before = countEvents();
        assertThatThrownBy(() -> store.append(event(id, EventType.CLOSE)))
                .isInstanceOfSatisfying(TransitionRefusedException.class,
                        e -> assertThat(e.current()).isEqualTo(IncidentStatus.DECLARED));
        assertThatThrownBy(() -> store.append(declare(id))).isInstanceOf(IncidentExistsException.class);
        assertThatThrownBy(() -> store.append(event("T-999999", EventType.ACK))).isInstanceOf(IncidentNotFoundException.class);
        assertThatThrownBy(() -> store.append(stateChange(id, "sideways")))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("data.to"));
        assertThatThrownBy(() -> store.append(NewEvent.builder(EventType.ROLE_ASSIGN, "b").incident(id).build()))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("data.role"));
        assertThat(countEvents()).isEqualTo(before);
        assertThat(store.incident(id).orElseThrow().lastSeq()).isEqualTo(1);
    }

    @Test
    void aRequestIsAllOrNothing() throws SQLException {
        String id = newId();
        store.append(declare(id));
        long before = countEvents();
        assertThatThrownBy(() -> store.appendAll(List.of(event(id, EventType.NOTE), event(id, EventType.ACK), event(id, EventType.ACK))))
                .isInstanceOf(TransitionRefusedException.class);
        assertThat(countEvents()).isEqualTo(before);
        List<AppendOutcome> ok = store.appendAll(List.of(event(id, EventType.NOTE), event(id, EventType.ACK)));
        assertThat(ok).extracting(o -> o.event().seq()).containsExactly(2L, 3L);
    }

    @Test
    void expectedSeqIsOptimisticConcurrency() {
        String id = newId();
        store.append(declare(id));
        assertThatThrownBy(() -> store.append(NewEvent.builder(EventType.NOTE, "b").incident(id).content("n").expectedSeq(0L).build()))
                .isInstanceOfSatisfying(SeqConflictException.class, e -> assertThat(e.actual()).isEqualTo(1));
        assertThat(store.append(NewEvent.builder(EventType.NOTE, "b").incident(id).content("n").expectedSeq(1L).build()).event().seq()).isEqualTo(2);
    }

    @Test
    void redeliveryOfTheSameCloudEventIsANoOp() throws SQLException {
        String id = newId();
        store.append(declare(id));
        NewEvent note = NewEvent.builder(EventType.NOTE, "b").incident(id).content("hi").ceSource("urn:test").ceId("evt-1").build();
        AppendOutcome first = store.append(note);
        long count = countEvents();
        AppendOutcome again = store.append(note);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.event()).isEqualTo(first.event());
        assertThat(countEvents()).isEqualTo(count);
        // same id from another source is another event
        AppendOutcome other = store.append(NewEvent.builder(EventType.NOTE, "b").incident(id).content("n").ceSource("urn:other").ceId("evt-1").build());
        assertThat(other.duplicate()).isFalse();
        // and a duplicate inside one request counts once
        List<AppendOutcome> twice = store.appendAll(List.of(
                NewEvent.builder(EventType.NOTE, "b").incident(id).content("n").ceSource("urn:test").ceId("evt-2").build(),
                NewEvent.builder(EventType.NOTE, "b").incident(id).content("n").ceSource("urn:test").ceId("evt-2").build()));
        assertThat(twice.get(1).duplicate()).isTrue();
        assertThat(twice.get(1).event().id()).isEqualTo(twice.get(0).event().id());
    }

    @Test
    void idempotencyIdsAreScopedByPrincipalSoNoSenderCanSuppressAnothers() throws SQLException {
        String id = newId();
        store.append(declare(id));
        NewEvent fromAlertmanager = NewEvent.builder(EventType.NOTE, "am").incident(id).content("n").ceSource("urn:shared").ceId("evt-9")
                .principal("webhook:alertmanager").build();
        AppendOutcome first = store.append(fromAlertmanager);
        assertThat(first.event().principal()).isEqualTo("webhook:alertmanager");
        // Another caller claiming the same (source, id) gets its own event, not the first sender's
        AppendOutcome claimed = store.append(fromAlertmanager.withPrincipal("key:mallory"));
        assertThat(claimed.duplicate()).isFalse();
        assertThat(claimed.event().id()).isNotEqualTo(first.event().id());
        assertThat(claimed.event().principal()).isEqualTo("key:mallory");
        // and the first sender's redelivery is still recognised as its own
        AppendOutcome redelivered = store.append(fromAlertmanager);
        assertThat(redelivered.duplicate()).isTrue();
        assertThat(redelivered.event().id()).isEqualTo(first.event().id());
        assertThat(store.timeline(id, null, 100)).extracting(TimelineEvent::principal)
                .containsExactly(NewEvent.INTERNAL_PRINCIPAL, "webhook:alertmanager", "key:mallory");
    }

    @Test
    void sinceFeedPagesThroughEveryEventInIdOrder() {
        String id = newId();
        store.append(declare(id));
        for (int i = 0; i < 25; i++) {
            store.append(event(id, EventType.NOTE));
        }
        List<TimelineEvent> all = new java.util.ArrayList<>();
        String after = null;
        List<TimelineEvent> page;
        do {
            page = store.since(after, 7);
            all.addAll(page);
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (!page.isEmpty());
        assertThat(all).extracting(TimelineEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(all.stream().filter(e -> e.incidentId().equals(id)).count()).isEqualTo(26);
        assertThat(store.timeline(id, all.stream().filter(e -> e.incidentId().equals(id)).toList().get(9).id(), 5))
                .extracting(TimelineEvent::seq).containsExactly(11L, 12L, 13L, 14L, 15L);
        // after= an event of another incident (older than all of this one's): still "events with a larger id"
        String otherOlder = all.stream().filter(e -> !e.incidentId().equals(id)).reduce((a, b) -> b).map(TimelineEvent::id).orElse(null);
        if (otherOlder != null) {
            assertThat(store.timeline(id, otherOlder, 5)).extracting(TimelineEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }
}
