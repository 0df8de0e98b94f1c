package dev.incidentgateway.stream;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/stream} with GATEWAY_PAGE_MAX_BYTES at its least (64 KiB) and notes larger than it, fed by the
 * Since-feed tail (GATEWAY_STREAM_SOURCE=poll): a resume from the first event (the replay's byte-capped pages) and a
 * live subscriber (the tail's byte-capped pages) each get every event once, in order. What each read holds is
 * {@link StreamPageByteCapTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamPageByteCapIT {
    private static final Duration BOUND = Duration.ofMinutes(2);
    private GatewayFixture fixture;
    private HttpApi http;

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_PAGE_MAX_BYTES", "65536", "GATEWAY_STREAM_SOURCE", "poll",
                "GATEWAY_STREAM_POLL_MS", "50"));
        http = fixture.http();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private List<String> declareWithLargeNotes(String incident) {
        List<String> ids = new ArrayList<>();
        ids.add(http.postJson("/api/v1/incidents", obj("id", incident, "title", "t", "actor", "a")).json().get("event").get("id").asText());
        for (int i = 0; i < 6; i++) {
            HttpApi.Response r = http.postJson("/api/v1/incidents/" + incident + "/events", obj("type", "note", "actor", "a",
                    "content", i + ":" + "n".repeat(i == 5 ? 100_000 : 40_000)));
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.json().get("id").asText());
        }
        return ids;
    }

    @Test
    void aResumeOverEventsLargerThanTheBudgetGetsEachOnceInOrder() throws Exception {
        List<String> ids = declareWithLargeNotes("SCAP-1");
        try (SseSubscriber resumed = SseSubscriber.open(fixture.gateway().port(), fixture.adminKey(), "?incident=SCAP-1", ids.get(0),
                Integer.MAX_VALUE)) {
            resumed.awaitEvents(ids.size() - 1, BOUND);
            Thread.sleep(300); // a page sent twice would come after the count was reached
            assertThat(resumed.events().stream().map(SseSubscriber.Event::id).toList()).isEqualTo(ids.subList(1, ids.size()));
        }
    }

    @Test
    void aLiveSubscriberFedByTheTailGetsEventsLargerThanTheBudgetOnceInOrder() throws Exception {
        try (SseSubscriber live = SseSubscriber.open(fixture.gateway().port(), fixture.adminKey(), "?incident=SCAP-2")) {
            List<String> ids = declareWithLargeNotes("SCAP-2");
            live.awaitEvents(ids.size(), BOUND);
            Thread.sleep(300);
            assertThat(live.events().stream().map(SseSubscriber.Event::id).toList()).isEqualTo(ids);
        }
    }
}
