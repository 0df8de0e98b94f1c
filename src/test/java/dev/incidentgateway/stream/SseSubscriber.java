package dev.incidentgateway.stream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test client of {@code GET /api/v1/stream}: parses the SSE lines on a thread of its own (id, event, data,
 * comments), optionally stops after {@code stopAfter} events (closing its connection, as a client that is cut).
 */
final class SseSubscriber implements AutoCloseable {
    record Event(String id, String type, String data) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<Event> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final int stopAfter;
    private final InputStream body;
    private final int status;
    private final String contentType;
    private volatile boolean ended;

    private SseSubscriber(HttpResponse<InputStream> response, int stopAfter) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.body = response.body();
        this.stopAfter = stopAfter;
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens a stream ({@code query} like {@code ?incident=X}); {@code lastEventId} null for none. */
    static SseSubscriber open(int port, String key, String query, String lastEventId, int stopAfter) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/stream" + query))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new SseSubscriber(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()), stopAfter);
    }

    static SseSubscriber open(int port, String key, String query) throws Exception {
        SseSubscriber s = open(port, key, query, null, Integer.MAX_VALUE);
        s.awaitOpen();
        return s;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(":")) {
                    synchronized (this) {
                        comments.add(line);
                    }
                    opened.countDown();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty() && id != null) {
                    int count;
                    synchronized (this) {
                        events.add(new Event(id, type, data.toString()));
                        count = events.size();
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                    if (count >= stopAfter) {
                        return; // closing the body cuts the connection
                    }
                }
            }
            ended = true; // the server ended the stream
        } catch (IOException e) {
            ended = true; // cut by the server (reset) or by us
        } finally {
            opened.countDown();
            finished.countDown();
        }
    }

    int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    void awaitOpen() throws InterruptedException {
        if (!opened.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the stream did not open");
        }
    }

    /** Waits until {@code n} events arrived or the stream ended (a liveness bound, not a timing assertion). */
    List<Event> awaitEvents(int n, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (events.size() >= n || finished.getCount() == 0) {
                    return List.copyOf(events);
                }
            }
            Thread.sleep(20);
        }
        return events();
    }

    boolean awaitFinished(Duration bound) throws InterruptedException {
        return finished.await(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    boolean endedByServer() {
        return ended;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
