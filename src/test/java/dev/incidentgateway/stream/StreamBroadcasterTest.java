package dev.incidentgateway.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of the broadcaster: bounded, in publish order, an overwritten frame reads as gone (never as another). */
class StreamBroadcasterTest {
    private final TimelineCloudEventMapper mapper = new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create());

    @Test
    void keepsTheNewestCapacityEventsAndReportsOverwrittenOnesAsGone() {
        StreamBroadcaster b = new StreamBroadcaster(16, Long.MAX_VALUE, true, 15_000, mapper, new SimpleMeterRegistry());
        assertThat(b.reserve(1)).isTrue(); // a stream is open
        b.afterCommit(IntStream.range(0, 40).mapToObj(i -> event(i)).toList());

        assertThat(b.published()).isEqualTo(40);
        assertThat(b.oldestHeld()).isEqualTo(24);
        assertThat(b.frame(23)).isNull(); // overwritten: a subscriber still there has lagged too far
        assertThat(b.frame(24).event.id()).isEqualTo(event(24).id());
        assertThat(b.frame(39).event.id()).isEqualTo(event(39).id());
    }

    @Test
    void largeEventsAreLetGoAtTheByteCapBeforeTheEventCapAndTheNewestIsAlwaysKept() {
        String large = "x".repeat(10_000);
        StreamBroadcaster b = new StreamBroadcaster(16, 35_000, true, 15_000, mapper, new SimpleMeterRegistry());
        assertThat(b.reserve(1)).isTrue();
        b.afterCommit(IntStream.range(0, 10).mapToObj(i -> event(i, large)).toList());

        assertThat(b.published()).isEqualTo(10);
        assertThat(b.oldestHeld()).as("three frames of about 10.6 kB fit in 35,000 bytes, not 16").isEqualTo(7);
        assertThat(b.frame(6)).as("let go: a subscriber still at it is disconnected as on overflow").isNull();
        assertThat(b.frame(7).event.id()).isEqualTo(event(7).id());

        b.afterCommit(List.of(event(10, "y".repeat(50_000)))); // larger than the cap alone
        assertThat(b.oldestHeld()).isEqualTo(10);
        assertThat(b.frame(10).event.id()).isEqualTo(event(10).id());
        b.afterCommit(List.of(event(11), event(12))); // small ones: the large one goes, they stay
        assertThat(b.oldestHeld()).isEqualTo(11);
    }

    @Test
    void framesRenderedByTheTailCountTheirLength() {
        StreamBroadcaster b = new StreamBroadcaster(16, 3 * 1024, false, 15_000, mapper, new SimpleMeterRegistry());
        b.publishRendered(IntStream.range(0, 8).mapToObj(i -> new StreamBroadcaster.Rendered(event(i),
                io.vertx.core.buffer.Buffer.buffer(new byte[1024]))).toList());
        assertThat(b.oldestHeld()).isEqualTo(5);
        assertThat(b.frame(4)).isNull();
    }

    @Test
    void commitsAreNotKeptWhileNoStreamIsOpen() {
        StreamBroadcaster b = new StreamBroadcaster(16, Long.MAX_VALUE, true, 15_000, mapper, new SimpleMeterRegistry());
        b.afterCommit(List.of(event(1), event(2)));
        assertThat(b.published()).as("nobody could read them: a stream starts at the ring's end").isZero();
        assertThat(b.frame(0)).isNull();

        assertThat(b.reserve(1)).isTrue();
        b.afterCommit(List.of(event(3)));
        assertThat(b.published()).isEqualTo(1);
        assertThat(b.frame(0).event.id()).isEqualTo(event(3).id());
        b.release();
        b.afterCommit(List.of(event(4)));
        assertThat(b.published()).isEqualTo(1);
    }

    @Test
    void aTailFedBroadcasterIgnoresTheCommitHook() {
        StreamBroadcaster b = new StreamBroadcaster(16, Long.MAX_VALUE, false, 15_000, mapper, new SimpleMeterRegistry());
        b.afterCommit(List.of(event(1)));
        assertThat(b.published()).isZero();
        b.publish(List.of(event(1)));
        assertThat(b.published()).isEqualTo(1);
    }

    @Test
    void rendersOneSseFrameWithIdTypeAndTheCloudEventOnOneDataLine() {
        TimelineEvent e = event(7);
        String frame = StreamBroadcaster.render(e, mapper).toString();
        assertThat(frame).startsWith("id: " + e.id() + "\nevent: note\ndata: {").endsWith("}\n\n");
        assertThat(frame.split("\n")).hasSize(3); // a line break inside the content stays escaped in the JSON
    }

    /**
     * Vert.x runs each HTTP request on a context of its own (a duplicate of its connection's): streams opened on one
     * event loop share its group, whatever context they were opened on. A group per context kept one group and one
     * heartbeat timer for every stream ever opened, for the life of the process.
     */
    @Test
    void streamsOpenedOnOneEventLoopShareOneGroupWhateverTheirRequestsContext() throws Exception {
        StreamBroadcaster b = new StreamBroadcaster(16, Long.MAX_VALUE, true, 15_000, mapper, new SimpleMeterRegistry());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> {
                        b.group(vertx.getOrCreateContext()); // what StreamHttpHandler does to open a stream
                        request.response().end();
                    })
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.actualPort() + "/api/v1/stream")).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).isEqualTo(200);
            }

            assertThat(b.groupCount()).as("20 streams opened on one event loop").isEqualTo(1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static TimelineEvent event(int i) {
        return event(i, "line one\nline two");
    }

    private static TimelineEvent event(int i, String content) {
        String id = String.format("01J0000000000000000000%04d", i);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new TimelineEvent(id, "INC-1", i + 1, EventType.NOTE, "a", null, content, t, t, "/api/v1", id,
                "/api/v1", "dev.incidentgateway.incident.note", JsonNodeFactory.instance.objectNode(), null, "h", "key:t");
    }
}
