package dev.incidentgateway.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineEvent;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code from: timeline:events} against a real store (H2 and PostgreSQL subclasses): order and completeness under
 * concurrent appends, pages cut at the byte budget, what an exchange carries, filters, where a new consumer starts, and
 * the options refused at start. Positions across restarts and failures: {@link TimelineEventsPositionContract}.
 */
abstract class TimelineEventsConsumerContract extends TimelineEventsConsumerHarness {
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
        // A poll's count is recorded after its exchanges complete: wait for the last one's too.
        await().atMost(PATIENCE).until(() -> readPerPoll.stream().mapToInt(Integer::intValue).sum() >= appended.size());
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
