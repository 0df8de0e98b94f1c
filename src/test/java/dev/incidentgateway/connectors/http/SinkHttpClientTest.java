package dev.incidentgateway.connectors.http;

import com.sun.net.httpserver.HttpServer;
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

    @Test
    void aCookieOneTargetSetsIsNotSentWithLaterCalls() {
        http.send(HttpCall.get(base + "/first", Map.of("Authorization", "Bearer a")));
        http.send(HttpCall.get(base + "/second", Map.of("Authorization", "Bearer b")));

        assertThat(requests).hasSize(2).allMatch(r -> r.contains("cookie=null"));
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
