package dev.incidentgateway.stream;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/stream} with its byte caps at their least, fed by the Since-feed tail (GATEWAY_STREAM_SOURCE=poll).
 * GATEWAY_PAGE_MAX_BYTES (64 KiB) with notes larger than it: a resume from the first event (the replay's byte-capped
 * pages) and a live subscriber (the tail's byte-capped pages) each get every event once, in order; what each read holds
 * is {@link StreamPageByteCapTest}'s. GATEWAY_STREAM_BUFFER_BYTES (1 MiB) with an event cap that large notes never
 * reach: a subscriber that stops reading is cut for overflow as at the event cap. The heartbeat is the default 15 s, so
 * the stalled-heartbeat check (45 s) is not what cuts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamByteCapsIT {
    private static final Duration BOUND = Duration.ofMinutes(2);
    private static final Pattern OVERFLOW = Pattern.compile("gateway_stream_dropped_total\\{[^}]*reason=\"overflow\"[^}]*} ([0-9.E]+)");
    private GatewayFixture fixture;
    private HttpApi http;

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_PAGE_MAX_BYTES", "65536", "GATEWAY_STREAM_SOURCE", "poll",
                "GATEWAY_STREAM_POLL_MS", "50", "GATEWAY_STREAM_BUFFER_BYTES", "1048576", "GATEWAY_STREAM_BUFFER_EVENTS", "1048576"));
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

    @Test
    void aSubscriberThatStopsReadingIsCutAtTheByteCapLongBeforeTheEventCap() throws Exception {
        assertThat(http.postJson("/api/v1/incidents", obj("id", "SCAP-3", "title", "t", "actor", "a")).status()).isEqualTo(201);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", fixture.gateway().port()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/v1/stream?incident=SCAP-3 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + fixture.adminKey() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            double before = overflows();
            String large = "b".repeat(200_000);
            int appended = 0;
            while (overflows() == before) { // it never reads: its socket and write queue fill, then the ring lets go
                HttpApi.Response r = http.postJson("/api/v1/incidents/SCAP-3/events", obj("type", "note", "actor", "a",
                        "content", large));
                assertThat(r.status()).isEqualTo(201);
                appended++;
                assertThat(appended).as("200 kB notes appended without the stalled stream being cut for overflow")
                        .isLessThan(300);
            }
        }
    }

    private double overflows() {
        Matcher m = OVERFLOW.matcher(http.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
