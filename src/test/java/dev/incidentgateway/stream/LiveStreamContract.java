package dev.incidentgateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/stream} against a real gateway over real HTTP, on each kind of store (H2: fed by the commit
 * hook; PostgreSQL: fed by the Since-feed tail). Durations below are liveness bounds (how long to wait before
 * calling it a failure), never assertions about speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LiveStreamContract {
    private static final Duration BOUND = Duration.ofMinutes(3);
    /** Dropped for any reason: a stalled live client is cut by the ring overflow or by the stalled-heartbeat check, whichever comes first. */
    private static final Pattern DROPPED = dropped("[a-z-]+");
    private static final Pattern STALLED = dropped("stalled");
    private final AtomicInteger ids = new AtomicInteger();

    GatewayFixture fixture;
    HttpApi http;
    int port;

    abstract TestStore.Kind kind();

    @BeforeAll
    void startGateway() throws Exception {
        fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_STREAM_BUFFER_EVENTS", "4096", "GATEWAY_STREAM_HEARTBEAT_S", "1",
                "GATEWAY_STREAM_POLL_MS", "50"));
        if (fixture != null) {
            http = fixture.http();
            port = fixture.gateway().port();
        }
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void fiftySubscribersWhileEightWritersAppendSeeEveryEventOnceInIdOrder() throws Exception {
        List<String> incidents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            incidents.add(declare("FAN"));
        }
        List<SseSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            subscribers.add(SseSubscriber.open(port, fixture.adminKey(), ""));
        }
        List<String> appended = appendNotes(incidents, 250, "x");
        List<String> expected = new ArrayList<>(appended);
        Collections.sort(expected);
        assertThat(expected).hasSize(2000).doesNotHaveDuplicates();

        for (SseSubscriber s : subscribers) {
            List<SseSubscriber.Event> seen = s.awaitEvents(expected.size(), BOUND);
            s.close();
            assertThat(seen.stream().map(SseSubscriber.Event::id).toList()).isEqualTo(expected);
            assertThat(seen).allSatisfy(e -> assertThat(e.type()).isEqualTo("note"));
        }
        SseSubscriber.Event first = subscribers.get(0).events().get(0);
        JsonNode ce = HttpApi.JSON.readTree(first.data()); // the Since feed's structured CloudEvent
        assertThat(ce.path("id").asText()).isEqualTo(first.id());
        assertThat(ce.path("specversion").asText()).isEqualTo("1.0");
        assertThat(ce.path("type").asText()).endsWith(".incident.note");
        assertThat(incidents).contains(ce.path("subject").asText());
    }

    @Test
    void aSubscriberCutMidStreamResumesWithLastEventIdWithoutLossOrDuplicate() throws Exception {
        String incident = declare("CUT");
        ExecutorService writers = Executors.newSingleThreadExecutor();
        try {
            SseSubscriber first = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + incident, null, 150);
            assertThat(first.status()).isEqualTo(200);
            first.awaitOpen();
            Future<List<String>> writing = writers.submit(() -> appendNotes(List.of(incident, incident), 300, "y"));
            assertThat(first.awaitFinished(BOUND)).isTrue(); // cut after 150 events, writers still busy
            List<SseSubscriber.Event> got = new ArrayList<>(first.events());
            assertThat(got).hasSize(150);

            SseSubscriber second = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + incident,
                    got.get(got.size() - 1).id(), 400); // the header EventSource sends
            List<SseSubscriber.Event> rest = second.awaitEvents(400, BOUND);
            second.close();
            List<String> expected = new ArrayList<>(writing.get());
            Collections.sort(expected);
            got.addAll(rest);
            assertThat(got.stream().map(SseSubscriber.Event::id).toList()).isEqualTo(expected.subList(0, 550));

            // ?after= for clients that cannot set the header: the last 50, from the store, then live
            SseSubscriber third = SseSubscriber.open(port, fixture.adminKey(),
                    "?incident=" + incident + "&after=" + expected.get(549), null, Integer.MAX_VALUE);
            List<SseSubscriber.Event> tail = third.awaitEvents(50, BOUND);
            third.close();
            assertThat(tail.stream().map(SseSubscriber.Event::id).toList()).isEqualTo(expected.subList(550, 600));
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void aResumeSeveralReplayPagesBackSendsEachEventOnceInOrder() throws Exception {
        String incident = declare("LONG");
        List<String> expected = new ArrayList<>(appendNotes(List.of(incident, incident, incident, incident), 300,
                "z".repeat(400))); // ~600 bytes a frame: a replay page fills the write queue, so drains come mid-replay
        Collections.sort(expected);
        int pages = (expected.size() - 1) / StreamSubscriber.REPLAY_PAGE;
        assertThat(pages).as("replay pages").isGreaterThanOrEqualTo(2);
        try (SseSubscriber resumed = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + incident, expected.get(0),
                Integer.MAX_VALUE)) {
            List<SseSubscriber.Event> got = resumed.awaitEvents(expected.size() - 1, BOUND);
            Thread.sleep(500); // a duplicate page would come after the count was reached
            assertThat(resumed.events().stream().map(SseSubscriber.Event::id).toList())
                    .isEqualTo(expected.subList(1, expected.size()));
            assertThat(got).hasSize(expected.size() - 1);
        }
    }

    @Test
    void incidentAndTypeFiltersSelectEvents() throws Exception {
        String a = declare("FLA");
        String b = declare("FLB");
        SseSubscriber onlyA = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + a);
        SseSubscriber acks = SseSubscriber.open(port, fixture.adminKey(), "?types=ack,resolve");
        SseSubscriber ackOfB = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + b + "&types=ack");
        String noteA = append(a, "note");
        String noteB = append(b, "note");
        String ackA = append(a, "ack");
        String ackB = append(b, "ack");
        String mitigateA = append(a, "mitigate");
        String resolveA = append(a, "resolve");

        assertThat(ids(onlyA.awaitEvents(4, BOUND))).containsExactly(noteA, ackA, mitigateA, resolveA);
        assertThat(ids(acks.awaitEvents(3, BOUND))).containsExactly(ackA, ackB, resolveA);
        assertThat(ids(ackOfB.awaitEvents(1, BOUND))).containsExactly(ackB);
        assertThat(onlyA.events()).extracting(SseSubscriber.Event::type).containsExactly("note", "ack", "mitigate", "resolve");
        assertThat(noteB).isNotNull();
        List.of(onlyA, acks, ackOfB).forEach(SseSubscriber::close);
    }

    @Test
    void aCommentHeartbeatKeepsAnIdleStreamAlive() throws Exception {
        try (SseSubscriber idle = SseSubscriber.open(port, fixture.adminKey(), "?incident=HB-0")) {
            while (!idle.comments().contains(": heartbeat")) {
                assertThat(idle.awaitFinished(Duration.ofMillis(200))).as("stream ended").isFalse();
            }
            assertThat(idle.contentType()).startsWith("text/event-stream");
        }
    }

    @Test
    void refusesWithoutCredentialWithoutReadScopeAndBadInput() throws InterruptedException {
        HttpApi.Response anonymous = new HttpApi(port).get("/api/v1/stream");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.header("WWW-Authenticate")).isPresent();

        String writer = TestApiKeys.create(TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource()), "stream-writer-" + kind().name().toLowerCase(), Set.of(Scope.WRITE));
        HttpApi.Response forbidden = new HttpApi(port, writer).get("/api/v1/stream");
        for (int i = 0; i < 100 && forbidden.status() == 401; i++) { // the key snapshot reloads every 2 s
            Thread.sleep(100);
            forbidden = new HttpApi(port, writer).get("/api/v1/stream");
        }
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().path("requiredScope").asText()).isEqualTo("read");

        HttpApi.Response badType = http.get("/api/v1/stream?types=ack,bogus");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.body()).contains("types");
        HttpApi.Response badId = http.get("/api/v1/stream", "Last-Event-ID", "not-an-id");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body()).contains("Last-Event-ID");
    }

    @Test
    void aSubscriberThatStopsReadingIsDroppedAndTheOthersGetEverything() throws Exception {
        String incident = declare("SLOW");
        SseSubscriber reader = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + incident);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/v1/stream?incident=" + incident + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + fixture.adminKey() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            double droppedBefore = dropped();
            String big = "z".repeat(4000);
            List<String> appended = new ArrayList<>();
            while (dropped() == droppedBefore) { // it never reads: its buffers fill, the ring passes it
                appended.addAll(appendNotes(List.of(incident, incident, incident, incident), 100, big));
                assertThat(appended.size()).as("appended without the stalled stream being dropped").isLessThan(60_000);
            }
            Collections.sort(appended);
            assertThat(ids(reader.awaitEvents(appended.size(), BOUND))).isEqualTo(appended);

            int received = countEvents(stalled.getInputStream());
            assertThat(received).as("the stalled stream was cut before the end").isLessThan(appended.size());
        } finally {
            reader.close();
        }
        // Neither the dropped stream nor the closed one is still counted as a request in flight: a graceful stop
        // waited for such streams until its timeout and reported them as unanswered.
        org.awaitility.Awaitility.await().atMost(BOUND).until(() -> fixture.gateway().requestsInFlight() == 0);
    }

    @Test
    void aSubscriberThatStopsReadingDuringItsReplayIsDropped() throws Exception {
        String incident = declare("STALLREPLAY");
        String big = "r".repeat(4000);
        // More than the server's socket buffer and write queue hold, so the replay cannot be written out.
        List<String> appended = appendNotes(List.of(incident, incident, incident, incident), 400, big);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", port));
            double before = dropped(STALLED);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/v1/stream?incident=" + incident + "&after=" + incidentEventBefore(incident) + " HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer " + fixture.adminKey() + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Heartbeats every second here: dropped after a few beats with nothing taken.
            org.awaitility.Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(500))
                    .until(() -> dropped(STALLED) > before);
            int received = countEvents(stalled.getInputStream());
            assertThat(received).as("the stalled replay was cut before the end").isLessThan(appended.size());
        }
    }

    /** The incident's declare: replaying "after" it yields every later event of the incident. */
    private String incidentEventBefore(String incident) {
        return http.get("/api/v1/incidents/" + incident + "/timeline?limit=1").json().path("events").get(0).path("id").asText();
    }

    private static Pattern dropped(String reason) {
        return Pattern.compile("gateway_stream_dropped_total\\{[^}]*reason=\"" + reason + "\"[^}]*} ([0-9.E]+)");
    }

    /** Reads what the server sent until it closed the connection; returns the number of events in it. */
    private static int countEvents(InputStream in) {
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[65536];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException reset) {
            // cut by the server: what arrived before counts
        }
        return text.toString().split("\nid: ", -1).length - 1;
    }

    private double dropped() {
        return dropped(DROPPED);
    }

    private double dropped(Pattern reason) {
        Matcher m = reason.matcher(http.get("/metrics").body());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static List<String> ids(List<SseSubscriber.Event> events) {
        return events.stream().map(SseSubscriber.Event::id).toList();
    }

    private String declare(String prefix) {
        String id = prefix + "-" + ids.incrementAndGet();
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "stream " + id, "actor", "t"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    private String append(String incident, String type) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + incident + "/events", obj("type", type, "actor", "t", "content", type + " by t"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    /** One writer thread per entry of {@code incidents}, each appending {@code perWriter} notes; the new event ids. */
    private List<String> appendNotes(List<String> incidents, int perWriter, String content) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(incidents.size());
        AtomicBoolean failed = new AtomicBoolean();
        try {
            List<Future<List<String>>> writers = new ArrayList<>();
            for (String incident : incidents) {
                writers.add(pool.submit(() -> {
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < perWriter && !failed.get(); i++) {
                        HttpApi.Response r = http.postJson("/api/v1/incidents/" + incident + "/events",
                                obj("type", "note", "actor", "w", "content", content));
                        if (r.status() != 201) {
                            failed.set(true);
                            throw new AssertionError(r.toString());
                        }
                        out.add(r.json().path("id").asText());
                    }
                    return out;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> w : writers) {
                all.addAll(w.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
