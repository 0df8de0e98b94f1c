package dev.incidentgateway.stream;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.testsupport.RouteTestStore;
import dev.incidentgateway.timeline.CappedPage;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live stream's store reads, its replay (a resume with Last-Event-ID) and its Since-feed tail, stop at
 * GATEWAY_PAGE_MAX_BYTES (here its least, 64 KiB) of SSE frames, at least one event, and the next read goes on after
 * the last event read: every event once, in order. Before, each read was 500 events whatever their size, held whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamPageByteCapTest {
    private static final int BUDGET = 65_536;
    private final TimelineCloudEventMapper mapper = new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create());
    private final List<String> stored = new ArrayList<>();
    private RouteTestStore store;

    /** SC-1: a declare, five notes of 40 KB (two pass the budget), one of 100 KB (alone past it); SC-2: a small note. */
    @BeforeAll
    void storeLargeNotes() {
        store = new RouteTestStore();
        stored.add(store.store().append(NewEvent.builder(EventType.DECLARE, "alice").incident("SC-1").title("t")
                .severity(Severity.SEV2).build()).event().id());
        for (int i = 0; i < 5; i++) {
            stored.add(note("SC-1", i + ":" + "n".repeat(40_000)));
        }
        stored.add(note("SC-1", "big:" + "b".repeat(100_000)));
        store.store().append(NewEvent.builder(EventType.DECLARE, "alice").incident("SC-2").title("t").severity(Severity.SEV3).build());
        stored.add(note("SC-2", "small"));
    }

    private String note(String incident, String content) {
        return store.store().append(NewEvent.builder(EventType.NOTE, "bob").incident(incident).content(content).build()).event().id();
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void aReplayPageStopsAtTheByteBudgetAndTheNextGoesOnAfterIt() {
        StreamFilter notes = new StreamFilter(null, EnumSet.of(EventType.NOTE, EventType.DECLARE));
        List<String> sent = followPages(after -> StreamSubscriber.readReplayPage(store.store(), after, notes, mapper, BUDGET));
        assertThat(sent).as("each event once, in order").containsExactlyElementsOf(withSecondDeclare());
    }

    @Test
    void aFilteredReplayPassesOverOtherEventsWithoutSpendingTheBudget() {
        StreamFilter sc2 = new StreamFilter("SC-2", EnumSet.noneOf(EventType.class));
        CappedPage<Buffer> page = StreamSubscriber.readReplayPage(store.store(), null, sc2, mapper, BUDGET);
        assertThat(page.kept()).as("SC-2's declare and note").hasSize(2);
        assertThat(page.cut()).isFalse();
    }

    @Test
    void theTailsPageStopsAtTheByteBudgetAndTheNextGoesOnAfterIt() {
        StreamBroadcaster broadcaster = new StreamBroadcaster(16, Long.MAX_VALUE, false, 1000, mapper, new SimpleMeterRegistry());
        StoreTail tail = new StoreTail(store.store(), broadcaster, Duration.ofSeconds(1), BUDGET);
        List<String> published = followPages(after -> {
            CappedPage<StreamBroadcaster.Rendered> page = tail.readPage(after);
            return new CappedPage<>(page.kept().stream().map(StreamBroadcaster.Rendered::frame).toList(), page.read(),
                    page.lastId(), page.cut());
        });
        assertThat(published).as("each event once, in order").containsExactlyElementsOf(withSecondDeclare());
    }

    /** Reads pages from the start as the stream does, checking each against the budget; the ids of the frames read. */
    private List<String> followPages(Function<String, CappedPage<Buffer>> read) {
        List<String> ids = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String after = null;
        CappedPage<Buffer> page;
        do {
            page = read.apply(after);
            int bytes = page.kept().stream().mapToInt(Buffer::length).sum();
            assertThat(bytes <= BUDGET || page.kept().size() == 1).as("page after %s: %d bytes in %d frames", after, bytes,
                    page.kept().size()).isTrue();
            page.kept().forEach(frame -> ids.add(frameId(frame)));
            sizes.add(page.kept().size());
            after = page.lastId() != null ? page.lastId() : after;
            assertThat(sizes).hasSizeLessThan(50);
        } while (page.more(StreamSubscriber.REPLAY_PAGE));
        assertThat(sizes).as("frames per read").startsWith(2, 1, 1, 1, 1, 1);
        return ids;
    }

    private static String frameId(Buffer frame) {
        String text = frame.toString();
        return text.substring("id: ".length(), text.indexOf('\n'));
    }

    private List<String> withSecondDeclare() {
        List<TimelineEvent> all = store.store().since(null, 100);
        assertThat(all).hasSize(stored.size() + 1);
        return all.stream().map(TimelineEvent::id).toList();
    }
}
