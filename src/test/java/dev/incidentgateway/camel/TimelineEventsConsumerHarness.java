package dev.incidentgateway.camel;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the {@code from: timeline:events} contracts share: one real store per class (H2 or PostgreSQL, by the subclass),
 * the {@code timeline} component bound to it, a recording route, and appends with incident ids of their own.
 */
abstract class TimelineEventsConsumerHarness extends CamelTestSupport {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static TestStore testStore;
    static HikariDataSource dataSource;
    static TimelineStore store;

    abstract TestStore.Kind kind();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        openStore();
        CamelContext context = super.createCamelContext();
        bindComponent(context);
        return context;
    }

    private void openStore() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        if (store == null) {
            testStore = TestStore.create(kind());
            GatewayConfig config = testStore.config();
            dataSource = StoreFactory.openAndMigrate(config);
            store = new TimelineStore(dataSource, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)), "dev.incidentgateway",
                    64, 1000, new SimpleMeterRegistry(), testStore.chainKey(), List.of());
        }
    }

    /** GATEWAY_PAGE_MAX_BYTES at its least: a read stops here, while the other tests' small events never reach it. */
    static final int PAGE_MAX_BYTES = 65_536;

    static void bindComponent(CamelContext context) {
        context.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(store,
                new CloudEventsWebhookMapper(GatewayJson.create()), new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create()))
                .withFeedPageMaxBytes(PAGE_MAX_BYTES));
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
            dataSource.close();
            testStore.close();
        }
        store = null;
    }

    /** What a route saw: every attempt, and the exchanges it completed. */
    static final class Received {
        final List<TimelineEvent> attempts = Collections.synchronizedList(new ArrayList<>());
        final List<TimelineEvent> completed = Collections.synchronizedList(new ArrayList<>());
        final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

        List<String> completedIds() {
            synchronized (completed) {
                return completed.stream().map(TimelineEvent::id).toList();
            }
        }

        List<String> attemptIds() {
            synchronized (attempts) {
                return attempts.stream().map(TimelineEvent::id).toList();
            }
        }
    }

    /** A route from {@code uri} that fails an exchange while {@code fail} says so, else records it as completed. */
    static RouteBuilder route(String uri, Received received, Predicate<Exchange> fail) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(exchange -> {
                    TimelineEvent event = exchange.getProperty(TimelineEventsConsumer.EVENT_PROPERTY, TimelineEvent.class);
                    received.attempts.add(event);
                    if (fail.test(exchange)) {
                        throw new IllegalStateException("exporter down for " + event.id());
                    }
                    received.bodies.add(exchange.getIn().getBody(String.class));
                    received.completed.add(event);
                });
            }
        };
    }

    static String newIncident() {
        return "EV-" + IDS.incrementAndGet();
    }

    static TimelineEvent declare(String incident) {
        return store.append(NewEvent.builder(EventType.DECLARE, "alice").incident(incident).title("Checkout failing")
                .severity(Severity.SEV2).build()).event();
    }

    static TimelineEvent append(String incident, EventType type) {
        return store.append(NewEvent.builder(type, "bob").incident(incident).content("c").build()).event();
    }

    static List<TimelineEvent> declareWithTwoNotes(String incident) {
        return List.of(declare(incident), append(incident, EventType.NOTE), append(incident, EventType.NOTE));
    }

    static String storedPosition(String consumer) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_event_id FROM feed_positions WHERE consumer = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a stored position for " + consumer).isTrue();
                return rs.getString(1);
            }
        }
    }

    static final Duration PATIENCE = Duration.ofSeconds(60);

}
