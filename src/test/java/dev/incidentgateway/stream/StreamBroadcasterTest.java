package dev.incidentgateway.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of the broadcaster: bounded, in publish order, an overwritten frame reads as gone (never as another). */
class StreamBroadcasterTest {
    private final TimelineCloudEventMapper mapper = new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create());

    @Test
    void keepsTheNewestCapacityEventsAndReportsOverwrittenOnesAsGone() {
        StreamBroadcaster b = new StreamBroadcaster(16, true, 15_000, mapper, new SimpleMeterRegistry());
        assertThat(b.reserve(1)).isTrue(); // a stream is open
        b.afterCommit(IntStream.range(0, 40).mapToObj(i -> event(i)).toList());

        assertThat(b.published()).isEqualTo(40);
        assertThat(b.oldestHeld()).isEqualTo(24);
        assertThat(b.frame(23)).isNull(); // overwritten: a subscriber still there has lagged too far
        assertThat(b.frame(24).event.id()).isEqualTo(event(24).id());
        assertThat(b.frame(39).event.id()).isEqualTo(event(39).id());
    }

    @Test
    void commitsAreNotKeptWhileNoStreamIsOpen() {
        StreamBroadcaster b = new StreamBroadcaster(16, true, 15_000, mapper, new SimpleMeterRegistry());
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
        StreamBroadcaster b = new StreamBroadcaster(16, false, 15_000, mapper, new SimpleMeterRegistry());
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

    private static TimelineEvent event(int i) {
        String id = String.format("01J0000000000000000000%04d", i);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new TimelineEvent(id, "INC-1", i + 1, EventType.NOTE, "a", null, "line one\nline two", t, t, "/api/v1", id,
                "/api/v1", "dev.incidentgateway.incident.note", JsonNodeFactory.instance.objectNode(), null, "h", "key:t");
    }
}
