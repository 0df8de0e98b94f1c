package dev.incidentgateway.camel;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code from: timeline:events} against a real store (H2 and PostgreSQL subclasses): order and completeness under
 * concurrent appends, the stored position across a restart, redelivery of a failed exchange, separate positions per
 * consumer, filters. One store per class; each test uses its own consumer names and incident ids.
 */
abstract class TimelineEventsConsumerContract extends CamelTestSupport {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static TestStore testStore;
    private static HikariDataSource dataSource;
    private static TimelineStore store;

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

    private static void bindComponent(CamelContext context) {
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

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void everyEventArrivesOnceInFeedOrderWhileSeveralThreadsAppend() throws Exception {
        Received received = new Received();
        String before = new FeedPositions(dataSource).latestEventId().orElse(null);
        context.addRoutes(route("timeline:events?consumer=concurrent&from=now&batchSize=7&initialDelay=0&delay=5", received, e -> false));

        int threads = 4;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            writers.add(pool.submit(() -> {
                String incident = newIncident();
                declare(incident);
                for (int i = 1; i < perThread; i++) {
                    append(incident, EventType.NOTE);
                }
            }));
        }
        for (Future<?> w : writers) {
            w.get();
        }
        pool.shutdown();

        int total = threads * perThread;
        await().atMost(PATIENCE).until(() -> new HashSet<>(received.completedIds()).size() >= total);
        List<String> feed = store.since(before, total + 10).stream().map(TimelineEvent::id).toList();
        assertThat(feed).hasSize(total);
        assertThat(received.completedIds()).as("each committed event once, in the Since feed's order").isEqualTo(feed);

        TimelineEvent first = received.completed.get(0);
        JsonNode body = GatewayJson.create().readTree(received.bodies.get(0));
        assertThat(body.get("id").asText()).isEqualTo(first.id());
        assertThat(body.get("subject").asText()).isEqualTo(first.incidentId());
        assertThat(body.get("type").asText()).isEqualTo("dev.incidentgateway.incident." + first.type().wireName());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(storedPosition("concurrent")).isEqualTo(feed.get(total - 1)));
    }

    /**
     * With GATEWAY_PAGE_MAX_BYTES (here 64 KiB) below {@code batchSize} large events, a read stops at the budget (one
     * event when one alone passes it) and the next read goes on after it: each event once, in order. Camel's poll
     * strategy sees how many events each poll read. Before, one poll read the whole batch whatever its size.
     */
    @Test
    void aReadStopsAtThePageByteBudgetAndTheNextGoesOnAfterIt() throws Exception {
        String incident = newIncident();
        String before = new FeedPositions(dataSource).latestEventId().orElse("start");
        List<TimelineEvent> appended = new ArrayList<>();
        appended.add(declare(incident));
        for (int i = 0; i < 5; i++) {
            appended.add(store.append(NewEvent.builder(EventType.NOTE, "bob").incident(incident)
                    .content(i + ":" + "n".repeat(40_000)).build()).event());
        }
        appended.add(store.append(NewEvent.builder(EventType.NOTE, "bob").incident(incident)
                .content("big:" + "b".repeat(100_000)).build()).event());
        List<Integer> readPerPoll = Collections.synchronizedList(new ArrayList<>());
        context.getRegistry().bind("readPerPoll", new org.apache.camel.spi.PollingConsumerPollStrategy() {
            @Override
            public boolean begin(org.apache.camel.Consumer consumer, org.apache.camel.Endpoint endpoint) {
                return true;
            }

            @Override
            public void commit(org.apache.camel.Consumer consumer, org.apache.camel.Endpoint endpoint, int polledMessages) {
                if (polledMessages > 0) {
                    readPerPoll.add(polledMessages);
                }
            }

            @Override
            public boolean rollback(org.apache.camel.Consumer consumer, org.apache.camel.Endpoint endpoint, int retryCounter, Exception e) {
                return false;
            }
        });
        Received received = new Received();
        context.addRoutes(route("timeline:events?consumer=capped&batchSize=100&initialDelay=0&delay=5&pollStrategy=#readPerPoll&from=" + before
                + "&incident=" + incident, received, e -> false));

        await().atMost(PATIENCE).until(() -> received.completed.size() >= appended.size());
        assertThat(received.completedIds()).as("each event once, in feed order")
                .isEqualTo(appended.stream().map(TimelineEvent::id).toList());
        // The declare and the first 40 KB note fit in 64 KiB; two 40 KB notes do not, nor the 100 KB note with anything.
        assertThat(readPerPoll).as("events read per poll").containsExactly(2, 1, 1, 1, 1, 1);
    }

    @Test
    void headersAndBodyDescribeTheEvent() throws Exception {
        String incident = newIncident();
        List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timeline:events?consumer=headers&initialDelay=0&delay=5&incident=" + incident).process(exchanges::add);
            }
        });
        TimelineEvent declared = declare(incident);
        await().atMost(PATIENCE).until(() -> !exchanges.isEmpty());
        Exchange got = exchanges.get(0);
        assertThat(got.getIn().getBody()).isInstanceOf(String.class);
        assertThat(got.getIn().getHeader("TimelineEventId")).isEqualTo(declared.id());
        assertThat(got.getIn().getHeader("TimelineIncidentId")).isEqualTo(incident);
        assertThat(got.getIn().getHeader("TimelineEventSeq")).isEqualTo(1L);
        assertThat(got.getIn().getHeader("TimelineEventType")).isEqualTo("declare");
        // As text: the append's answer carries data in the stored (canonical, sorted) key order, as the delivery reads it
        assertThat(got.getIn().getBody(String.class)).isEqualTo(
                new String(new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create()).serialize(declared)));
    }

    @Test
    void thePositionSurvivesARestartAndResumesAfterTheLastCompletedEvent() throws Exception {
        String incident = newIncident();
        List<TimelineEvent> events = declareWithTwoNotes(incident);
        TimelineEvent one = events.get(0);
        TimelineEvent two = events.get(1);
        TimelineEvent three = events.get(2);
        String uri = "timeline:events?consumer=restart&from=start&initialDelay=0&delay=5&incident=" + incident;

        Received first = new Received();
        CamelContext before = new DefaultCamelContext();
        bindComponent(before);
        before.addRoutes(route(uri, first, e -> e.getIn().getHeader("TimelineEventId").equals(three.id())));
        before.start();
        // The third event fails: it must be tried at least twice (redelivered at each poll) before we stop.
        await().atMost(PATIENCE).until(() -> first.attemptIds().stream().filter(three.id()::equals).count() >= 2);
        before.close();
        assertThat(first.completedIds()).containsExactly(one.id(), two.id());
        assertThat(storedPosition("restart")).isEqualTo(two.id());

        TimelineEvent four = append(incident, EventType.NOTE);
        Received second = new Received();
        CamelContext after = new DefaultCamelContext();
        bindComponent(after);
        after.addRoutes(route(uri, second, e -> false));
        after.start();
        try {
            await().atMost(PATIENCE).until(() -> second.completed.size() >= 2);
            assertThat(second.completedIds()).as("from=start is ignored once a position is stored")
                    .containsExactly(three.id(), four.id());
        } finally {
            after.close();
        }
    }

    /**
     * Every gateway on one PostgreSQL database runs the same routes, so each has a consumer of the same name: one
     * instance consumes it at a time (the others wait), and when it stops another goes on from the stored position.
     * Before, each instance delivered every event, once per instance.
     */
    @Test
    void onPostgresqlOneInstanceConsumesANameAndAnotherGoesOnWhenItStops() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kind() == TestStore.Kind.POSTGRESQL, "several instances need PostgreSQL");
        String incident = newIncident();
        List<TimelineEvent> events = declareWithTwoNotes(incident);
        String uri = "timeline:events?consumer=two-instances&from=start&initialDelay=0&delay=5&incident=" + incident;
        Received first = new Received();
        Received second = new Received();
        CamelContext instanceA = new DefaultCamelContext();
        CamelContext instanceB = new DefaultCamelContext();
        try {
            bindComponent(instanceA);
            instanceA.addRoutes(route(uri, first, e -> false));
            bindComponent(instanceB);
            instanceB.addRoutes(route(uri, second, e -> false));
            instanceA.start();
            instanceB.start();
            await().atMost(PATIENCE).until(() -> first.completed.size() + second.completed.size() >= 3
                    && events.get(2).id().equals(storedPosition("two-instances")));
            TimelineEvent four = append(incident, EventType.NOTE);
            await().atMost(PATIENCE).until(() -> first.completed.size() + second.completed.size() >= 4);
            // Whichever instance leads, stopping it hands the name to the other, which goes on after the stored position.
            CamelContext leader = first.completed.isEmpty() ? instanceB : instanceA;
            leader.stop();
            TimelineEvent five = append(incident, EventType.NOTE);
            await().atMost(PATIENCE).until(() -> first.completed.size() + second.completed.size() >= 5);

            List<String> all = new ArrayList<>(first.completedIds());
            all.addAll(second.completedIds());
            assertThat(all).as("each event once across the two instances")
                    .containsExactlyInAnyOrder(events.get(0).id(), events.get(1).id(), events.get(2).id(), four.id(), five.id());
            Received other = leader == instanceA ? second : first;
            assertThat(other.completedIds()).as("the instance that took over").containsExactly(five.id());
        } finally {
            instanceA.close();
            instanceB.close();
        }
    }

    @Test
    void aFailingExchangeStopsTheBatchAndIsRedeliveredAtTheNextPoll() throws Exception {
        String incident = newIncident();
        List<TimelineEvent> events = declareWithTwoNotes(incident);
        TimelineEvent one = events.get(0);
        TimelineEvent two = events.get(1);
        TimelineEvent three = events.get(2);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        Received received = new Received();
        context.addRoutes(route("timeline:events?consumer=redeliver&initialDelay=0&delay=5&incident=" + incident, received,
                e -> e.getIn().getHeader("TimelineEventId").equals(two.id()) && failuresLeft.getAndDecrement() > 0));

        await().atMost(PATIENCE).until(() -> received.completed.size() >= 3);
        assertThat(received.attemptIds()).as("the failed event again, and nothing after it before it completed")
                .containsExactly(one.id(), two.id(), two.id(), two.id(), three.id());
        assertThat(received.completedIds()).containsExactly(one.id(), two.id(), three.id());
    }

    @Test
    void aFailingExporterIsTriedAgainLessAndLessOftenUntilAnExchangeCompletes() throws Exception {
        String incident = newIncident();
        List<TimelineEvent> events = declareWithTwoNotes(incident);
        TimelineEvent two = events.get(1);
        TimelineEvent three = events.get(2);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        Received received = new Received();
        // The scheduler's first poll is an hour away: this test polls by hand, on its own clock.
        context.addRoutes(route("timeline:events?consumer=backoff&initialDelay=3600000&delay=1000&maxRetryDelay=4000&incident="
                + incident, received, e -> down.get() && !e.getIn().getHeader("TimelineEventId").equals(events.get(0).id())));
        TimelineEventsConsumer consumer = (TimelineEventsConsumer) context.getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().contains("consumer=backoff")).findFirst().orElseThrow().getConsumer();
        AtomicLong nanos = new AtomicLong();
        consumer.useNanoClock(nanos::get);
        java.util.function.LongFunction<Long> attemptsOfTwoAt = millis -> {
            nanos.set(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis));
            try {
                consumer.poll();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return received.attemptIds().stream().filter(two.id()::equals).count();
        };

        assertThat(attemptsOfTwoAt.apply(0)).as("first attempt").isEqualTo(1);
        assertThat(attemptsOfTwoAt.apply(999)).as("within the first wait (delay)").isEqualTo(1);
        assertThat(attemptsOfTwoAt.apply(1_000)).isEqualTo(2);
        assertThat(attemptsOfTwoAt.apply(2_999)).as("the wait doubled").isEqualTo(2);
        assertThat(attemptsOfTwoAt.apply(3_000)).isEqualTo(3);
        assertThat(attemptsOfTwoAt.apply(6_999)).as("doubled again, to maxRetryDelay").isEqualTo(3);
        assertThat(attemptsOfTwoAt.apply(7_000)).isEqualTo(4);
        assertThat(attemptsOfTwoAt.apply(10_999)).as("no longer than maxRetryDelay").isEqualTo(4);
        down.set(false);
        assertThat(attemptsOfTwoAt.apply(11_000)).isEqualTo(5);
        assertThat(received.completedIds()).containsExactly(events.get(0).id(), two.id(), three.id());

        TimelineEvent four = append(incident, EventType.NOTE);
        down.set(true);
        attemptsOfTwoAt.apply(11_001);
        assertThat(received.attemptIds()).as("a completed exchange ended the backoff: the next failure waits delay again")
                .endsWith(four.id());
        attemptsOfTwoAt.apply(12_001);
        assertThat(received.attemptIds().stream().filter(four.id()::equals).count()).isEqualTo(2);
    }

    @Test
    void twoConsumersKeepSeparatePositions() throws Exception {
        String incident = newIncident();
        List<TimelineEvent> events = declareWithTwoNotes(incident);
        TimelineEvent one = events.get(0);
        TimelineEvent two = events.get(1);
        TimelineEvent three = events.get(2);
        Received stuck = new Received();
        Received flowing = new Received();
        context.addRoutes(route("timeline:events?consumer=stuck&initialDelay=0&delay=5&incident=" + incident, stuck,
                e -> e.getIn().getHeader("TimelineEventId").equals(two.id())));
        context.addRoutes(route("timeline:events?consumer=flowing&initialDelay=0&delay=5&incident=" + incident, flowing, e -> false));

        await().atMost(PATIENCE).until(() -> flowing.completed.size() >= 3
                && stuck.attemptIds().stream().filter(two.id()::equals).count() >= 2);
        assertThat(flowing.completedIds()).containsExactly(one.id(), two.id(), three.id());
        assertThat(stuck.completedIds()).containsExactly(one.id());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(storedPosition("flowing")).isEqualTo(three.id()));
        assertThat(storedPosition("stuck")).isEqualTo(one.id());
    }

    @Test
    void filtersPassOverOtherEventsAndThePositionMovesPastThem() throws Exception {
        String incident = newIncident();
        String other = newIncident();
        Received received = new Received();
        context.addRoutes(route("timeline:events?consumer=filtered&from=now&initialDelay=0&delay=5&types=declare, resolve,close&incident="
                + incident, received, e -> false));
        TimelineEvent declared = declare(incident);
        append(incident, EventType.NOTE);
        declare(other);
        append(incident, EventType.ACK);
        TimelineEvent resolved = append(incident, EventType.RESOLVE);
        append(other, EventType.RESOLVE);
        TimelineEvent closed = append(incident, EventType.CLOSE);
        TimelineEvent lastNote = append(incident, EventType.NOTE);

        await().atMost(PATIENCE).until(() -> received.completed.size() >= 3);
        assertThat(received.completedIds()).containsExactly(declared.id(), resolved.id(), closed.id());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(storedPosition("filtered")).isEqualTo(lastNote.id()));
        assertThat(received.completedIds()).hasSize(3);
    }

    @Test
    void fromAnEventIdStartsAfterItAndFromNowSkipsThePast() throws Exception {
        String incident = newIncident();
        declare(incident);
        TimelineEvent two = append(incident, EventType.NOTE);
        TimelineEvent three = append(incident, EventType.NOTE);
        Received afterTwo = new Received();
        Received fromNow = new Received();
        context.addRoutes(route("timeline:events?consumer=after-two&initialDelay=0&delay=5&from=" + two.id() + "&incident=" + incident, afterTwo, e -> false));
        context.addRoutes(route("timeline:events?consumer=from-now&initialDelay=0&delay=5&from=now&incident=" + incident, fromNow, e -> false));
        TimelineEvent four = append(incident, EventType.NOTE);

        await().atMost(PATIENCE).until(() -> afterTwo.completed.size() >= 2 && !fromNow.completed.isEmpty());
        assertThat(afterTwo.completedIds()).containsExactly(three.id(), four.id());
        assertThat(fromNow.completedIds()).containsExactly(four.id());
    }

    @Test
    void badOptionsAndASharedConsumerNameAreRefusedAtStart() throws Exception {
        assertThatThrownBy(() -> context.addRoutes(route("timeline:events", new Received(), e -> false)))
                .hasStackTraceContaining("consumer=NAME");
        assertThatThrownBy(() -> context.addRoutes(route("timeline:events?consumer=x&types=declare,explode", new Received(), e -> false)))
                .hasStackTraceContaining("unknown event type explode");
        assertThatThrownBy(() -> context.addRoutes(route("timeline:events?consumer=x&from=yesterday", new Received(), e -> false)))
                .hasStackTraceContaining("from must be start, now or an event id");
        assertThatThrownBy(() -> context.addRoutes(route("timeline:events?consumer=x&nonsense=1", new Received(), e -> false)))
                .hasStackTraceContaining("nonsense");
        context.addRoutes(route("timeline:events?consumer=twice", new Received(), e -> false));
        assertThatThrownBy(() -> context.addRoutes(route("timeline:events?consumer=twice&delay=7", new Received(), e -> false)))
                .hasStackTraceContaining("already consumes timeline:events as consumer=twice");
    }
}
