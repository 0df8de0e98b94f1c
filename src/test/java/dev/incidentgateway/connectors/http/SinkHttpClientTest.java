package dev.incidentgateway.connectors.http;

import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.outbox.DeliveryAbort;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What a sink gets back from {@link SinkHttpClient}: the target's answer as sent, and no state between calls. */
class SinkHttpClientTest {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private DefaultCamelContext camel;
    private SinkHttpClient http;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " auth=" + ex.getRequestHeaders().getFirst("Authorization")
                    + " cookie=" + ex.getRequestHeaders().getFirst("Cookie") + " body=" + body);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Retry-After", "7");
            ex.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
            byte[] answer = "{\"ok\":false,\"error\":\"ratelimited\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(429, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        camel = new DefaultCamelContext();
        camel.start();
        http = new SinkHttpClient(camel.createProducerTemplate());
    }

    @AfterEach
    void stop() {
        camel.stop();
        server.stop(0);
    }

    @Test
    void returnsTheTargetsStatusHeadersAndBodyAsSent() {
        HttpReply reply = http.send(HttpCall.json("POST", base + "/api/chat.update?x=1", Map.of("Authorization", "Bearer t"), "{\"a\":1}"));

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("retry-after")).isEqualTo("7");
        assertThat(reply.headers().keySet()).noneMatch(k -> k.startsWith("Camel"));
        assertThat(reply.text()).isEqualTo("{\"ok\":false,\"error\":\"ratelimited\"}");
        assertThat(requests).containsExactly("POST /api/chat.update?x=1 auth=Bearer t cookie=null body={\"a\":1}");
    }

    /** What camel-http sent and returned stays so now that calls skip its exchange: the same headers left out, and kept. */
    @Test
    void sendsAndReturnsTheHeadersCamelHttpDid() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        server.createContext("/headers", ex -> {
            ex.getRequestBody().readAllBytes();
            var in = ex.getRequestHeaders();
            seen.add("type=" + in.getFirst("Content-Type") + " cache=" + in.getFirst("Cache-Control") + " camel=" + in.getFirst("CamelFoo")
                    + " x=" + in.getFirst("X-Incident-Gateway-Event") + " query=" + ex.getRequestURI().getRawQuery());
            ex.getResponseHeaders().add("Link", "<a>; rel=next");
            ex.getResponseHeaders().add("Warning", "one");
            ex.getResponseHeaders().add("Warning", "two");
            ex.getResponseHeaders().add("CamelHttpResponseCode", "999");
            ex.sendResponseHeaders(201, -1);
            ex.close();
        });
        Map<String, String> headers = Map.of("Authorization", "Bearer t", "Cache-Control", "no-cache", "CamelFoo", "1",
                "X-Incident-Gateway-Event", "ack");

        HttpReply reply = http.send(HttpCall.json("PATCH", base + "/headers?q=a b", headers, "{}"));

        assertThat(reply.status()).isEqualTo(201);
        assertThat(seen).containsExactly("type=application/json; charset=utf-8 cache=null camel=null x=ack query=q=a%20b");
        assertThat(reply.header("link")).isEqualTo("<a>; rel=next");
        assertThat(reply.header("Warning")).isEqualTo("[one, two]");
        assertThat(reply.headers()).doesNotContainKey("CamelHttpResponseCode");
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void aCookieOneTargetSetsIsNotSentWithLaterCalls() {
        http.send(HttpCall.get(base + "/first", Map.of("Authorization", "Bearer a")));
        http.send(HttpCall.get(base + "/second", Map.of("Authorization", "Bearer b")));

        assertThat(requests).hasSize(2).allMatch(r -> r.contains("cookie=null"));
    }

    /**
     * The relay's deadline stops a call that has no answer: the connection is closed at once (not after the 30 s response
     * timeout, meanwhile the row would be retried and the incident go on while this request could still reach the
     * target), and the stopped delivery starts no further call.
     */
    @Test
    void aDeliveryAbortedAtItsDeadlineEndsItsCallAtOnceAndStartsNoOther() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) { // never answers
            DeliveryAbort abort = new DeliveryAbort();
            java.util.concurrent.CompletableFuture<HttpReply> call = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    abort.run(() -> http.send(HttpCall.get("http://127.0.0.1:" + silent.getLocalPort() + "/hangs", Map.of()))));
            try (java.net.Socket accepted = silent.accept()) { // the request is on its way
                abort.abort();
                HttpReply stopped = call.get(20, java.util.concurrent.TimeUnit.SECONDS); // below the 30 s response timeout
                assertThat(stopped.status()).isZero();
                HttpReply later = abort.run(() -> http.send(HttpCall.get(base + "/after", Map.of())));
                assertThat(later.status()).isZero();
                assertThat(requests).as("no call of the stopped delivery reached a target").isEmpty();
            }
        }
    }

    @Test
    void noAnswerIsStatusZeroWithTheReason() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        HttpReply reply = http.send(HttpCall.get("http://127.0.0.1:" + closed + "/x", Map.of()));

        assertThat(reply.status()).isZero();
        assertThat(reply.text()).isNotBlank();
    }
}
