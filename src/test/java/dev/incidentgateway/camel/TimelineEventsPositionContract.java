package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where {@code from: timeline:events} goes on (H2 and PostgreSQL subclasses): its stored position across a restart, one
 * instance of several consuming a name on PostgreSQL, a failed exchange redelivered (less and less often), and separate
 * positions per consumer. One store per class; each test uses its own consumer names and incident ids.
 */
abstract class TimelineEventsPositionContract extends TimelineEventsConsumerHarness {
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

}
