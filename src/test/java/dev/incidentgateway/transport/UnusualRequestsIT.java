package dev.incidentgateway.transport;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests as no well-behaved client writes them, over real sockets on an in-process gateway (H2; java.net.http would
 * refuse or normalize them). Malformed request lines, paths, queries, headers or body framing are the sender's trouble
 * (a 400 as problem+json where the connection still takes one) that neither echoes what the sender wrote in a header nor
 * costs a line in the log above INFO; a body framing a proxy could read otherwise is refused and its connection closed. Paths written the long way ({@code //api/v1/…}, {@code /./api/…}, {@code /%61pi/…}) reach the same routes as the
 * plain path, so the edge treats them as that path (no caching of incident data, 401 before 404/405).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnusualRequestsIT {
    private GatewayFixture fixture;

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private RawConnection.Answer send(String request) throws Exception {
        try (RawConnection c = new RawConnection(fixture.gateway().port())) {
            return c.send(request).readAnswer();
        }
    }

    @Test
    void anHttp11RequestWithoutAValidHostIsAProblemNamingHostAndNoErrorInTheLog() throws Exception {
        List<String> hosts = List.of("", "Host: a b\r\n", "Host: [::\r\n", "Host: gateway:99999\r\n", "Host: gateway:port\r\n",
                "Host: gateway\r\nHost: other\r\n", "Host: gateway\r\nHost: gateway\r\n"); // RFC 9112 §3.2: one Host line
        try (CapturedLogs logs = CapturedLogs.root()) {
            for (String host : hosts) {
                for (String path : List.of("/api/v1/incidents", "/health")) {
                    RawConnection.Answer a = send("GET " + path + " HTTP/1.1\r\n" + host + "Authorization: Bearer "
                            + fixture.adminKey() + "\r\n\r\n");
                    String which = path + " with '" + host.strip() + "'";
                    assertThat(a.status()).as(which).isEqualTo(400);
                    assertThat(a.header("Content-Type")).as(which).startsWith("application/problem+json");
                    assertThat(HttpApi.JSON.readTree(a.body()).path("field").asText()).as(which).isEqualTo("Host");
                    assertThat(a.header("X-Content-Type-Options")).as(which).isEqualTo("nosniff");
                }
            }
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).as("the sender's trouble: a stranger "
                    + "sending these must not be able to fill the log").isEmpty();
        }
        assertThat(send("GET /health HTTP/1.0\r\n\r\n").status()).as("HTTP/1.0 has no Host to require").isEqualTo(200);
        assertThat(send("GET /health HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n").status()).as("but not two").isEqualTo(400);
        try (RawConnection c = new RawConnection(fixture.gateway().port())) {
            String whoami = "GET /api/v1/whoami HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fixture.adminKey() + "\r\n\r\n";
            RawConnection.Answer refused = c.send(whoami.replace("Host: gateway\r\n", "") + whoami).readAnswer();
            assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).as("as its answer says: the request pipelined behind it is not served").isTrue();
        }
        assertThat(send("GET /health HTTP/1.1\r\nHost: gateway:8080\r\n\r\n").status()).isEqualTo(200);
    }

    @Test
    void aHeaderTheDecoderRefusesIsNotEchoedInTheAnswer() throws Exception {
        String secret = "igw_" + "s3cr3t".repeat(6);
        RawConnection.Answer a = send("GET /api/v1/whoami HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + secret
                + "\u0001\r\n\r\n");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(HttpApi.JSON.readTree(a.body()).path("detail").asText()).startsWith("The request is not valid HTTP/1.1");
        assertThat(a.body()).as("the credential in the refused header").doesNotContain("s3cr3t");
    }

    @Test
    void aChunkedBodyTheDecoderRefusesStoresNothingAndIsNoErrorInTheLog() throws Exception {
        String declare = "{\"title\":\"bad-chunks\",\"actor\":\"a\"}";
        List<String> bodies = List.of("zz\r\n" + declare + "\r\n0\r\n\r\n", // a chunk size that is not hex
                Integer.toHexString(declare.length() - 1) + "\r\n" + declare + "\r\n0\r\n\r\n"); // a chunk not ended by CRLF
        try (CapturedLogs logs = CapturedLogs.root().atLevel(EdgeGuard.class.getName(), Level.DEBUG)) {
            for (String body : bodies) {
                try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                    c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fixture.adminKey()
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
                    assertThat(c.closedByServer()).as(body).isTrue();
                }
            }
            // The server handles the failure after the client sees the close: wait until it has logged either way.
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.events(e -> e.getLevel() == Level.ERROR
                    || e.getLoggerName().equals(EdgeGuard.class.getName()) && e.getLevel() == Level.DEBUG).size() >= bodies.size());
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).as("the sender's trouble: a stranger "
                    + "sending these must not be able to fill the log").isEmpty();
        }
        assertThat(fixture.http().get("/api/v1/incidents?limit=1000").body()).doesNotContain("bad-chunks");
    }

    private RawConnection.Answer send(String method, String target, String authorization) throws Exception {
        return send(method + " " + target + " HTTP/1.1\r\nHost: gateway\r\n"
                + (authorization == null ? "" : "Authorization: Bearer " + authorization + "\r\n") + "\r\n");
    }

    @Test
    void incidentDataAndMetricsReachedByAnyPathAreNeverCached() throws Exception {
        for (String target : List.of("//api/v1/incidents", "/./api/v1/incidents", "/%61pi/v1/incidents", "//metrics", "/metrics/")) {
            RawConnection.Answer a = send("GET", target, fixture.adminKey());
            assertThat(a.status()).as(target).isEqualTo(200);
            assertThat(a.header("Cache-Control")).as("%s: the same answer as its plain path's", target).isEqualTo("no-store");
        }
    }

    @Test
    void withoutACredentialNoPathUnderTheApiTellsWhetherItExists() throws Exception {
        for (String[] request : new String[][] {{"GET", "//api/v1/no-such-thing"}, {"DELETE", "//api/v1/incidents"},
                {"GET", "/x/../api/v1/no-such-thing"}, {"POST", "//metrics"}}) {
            RawConnection.Answer a = send(request[0], request[1], null);
            assertThat(a.status()).as("no key learns nothing of %s %s", request[0], request[1]).isEqualTo(401);
        }
        assertThat(send("GET", "//api/v1/no-such-thing", fixture.adminKey()).status()).as("with a key it may").isEqualTo(404);
    }

    @Test
    void aBodyWithAContentCodingIsRefusedNamingTheHeaderAndNothingIsStored() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write("{\"title\":\"gzipped\",\"actor\":\"a\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String head = "POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fixture.adminKey()
                + "\r\nContent-Type: application/json\r\n";
        for (String coding : List.of("gzip", "x-gzip, identity")) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                c.send(head + "Content-Encoding: " + coding + "\r\nContent-Length: " + zipped.size() + "\r\n\r\n").send(zipped.toByteArray());
                RawConnection.Answer a = c.readAnswer();
                assertThat(a.status()).as(coding).isEqualTo(415);
                assertThat(a.header("Content-Type")).as(coding).startsWith("application/problem+json");
                assertThat(HttpApi.JSON.readTree(a.body()).path("field").asText()).as(coding).isEqualTo("Content-Encoding");
                assertThat(a.header("Accept-Encoding")).as(coding).isEqualTo("identity");
            }
        }
        assertThat(fixture.http().get("/api/v1/incidents?limit=1000").body()).doesNotContain("gzipped");
        String plain = "{\"title\":\"identity-coded\",\"actor\":\"a\"}";
        assertThat(send(head + "Content-Encoding: identity\r\nContent-Length: " + plain.length() + "\r\n\r\n" + plain).status())
                .as("identity is no coding").isEqualTo(201);
    }

    @Test
    void anExpectationOtherThan100ContinueIsAProblemNamingExpect() throws Exception {
        String declare = "{\"title\":\"expected\",\"actor\":\"a\"}";
        String head = "POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fixture.adminKey()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + declare.length() + "\r\n";
        RawConnection.Answer a = send(head + "Expect: 200-ok\r\n\r\n");
        assertThat(a.status()).isEqualTo(417);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(HttpApi.JSON.readTree(a.body()).path("field").asText()).isEqualTo("Expect");
        try (RawConnection c = new RawConnection(fixture.gateway().port())) {
            c.send(head + "Expect: 100-continue\r\n\r\n");
            assertThat(c.readAnswer().status()).as("go on: the body may come").isEqualTo(100);
            assertThat(c.send(declare).readAnswer().status()).isEqualTo(201);
        }
    }

    @Test
    void malformedRequestsPathsAndQueriesAndRepeatedParametersAreProblemJson() throws Exception {
        HttpApi admin = fixture.http();
        for (String target : List.of("/api/v1/incidents?limit=%zz", "/api/v1/events?after=%E0%A4%A", "/api/v1/stream?types=%")) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) { // java.net.URI refuses to send these
                RawConnection.Answer a = c.send("GET " + target + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + fixture.adminKey() + "\r\n\r\n").readAnswer();
                assertThat(a.status()).as(target).isEqualTo(400);
                assertThat(a.header("Content-Type")).as(target).startsWith("application/problem+json");
                assertThat(HttpApi.JSON.readTree(a.body()).path("type").asText()).endsWith(":invalid-query");
                assertThat(HttpApi.JSON.readTree(a.body()).path("field").asText()).isEqualTo("query");
            }
        }
        for (String requestLine : List.of("GET /api/v1/incidents/INC-%zz", "GET /api/v1/incidents/%", "OPTIONS *")) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                RawConnection.Answer a = c.send(requestLine + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + fixture.adminKey() + "\r\n\r\n").readAnswer();
                assertThat(a.status()).as(requestLine).isEqualTo(400);
                assertThat(a.header("Content-Type")).as(requestLine).startsWith("application/problem+json");
                assertThat(HttpApi.JSON.readTree(a.body()).path("type").asText()).endsWith(":invalid-path");
                assertThat(a.header("X-Content-Type-Options")).as(requestLine).isEqualTo("nosniff");
                assertThat(a.header("Cache-Control")).as(requestLine).isEqualTo("no-store");
            }
        }
        Map<String, Integer> undecodable = Map.of(
                "GET /api/v1/incidents?q=" + "x".repeat(5000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n", 414,
                "GET /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n", 431,
                "POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400);
        for (Map.Entry<String, Integer> request : undecodable.entrySet()) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                RawConnection.Answer a = c.send(request.getKey()).readAnswer();
                assertThat(a.status()).isEqualTo(request.getValue());
                assertThat(a.header("Content-Type")).as("status " + a.status()).startsWith("application/problem+json");
                assertThat(HttpApi.JSON.readTree(a.body()).path("status").asInt()).isEqualTo(request.getValue());
                assertThat(a.header("X-Content-Type-Options")).as("status " + a.status()).isEqualTo("nosniff");
            }
        }
        Response repeated = admin.get("/api/v1/incidents?limit=1&limit=2");
        assertThat(repeated.status()).isEqualTo(400);
        assertThat(repeated.json().path("field").asText()).isEqualTo("limit");
        Response repeatedOnStream = admin.get("/api/v1/stream?types=declare&types=ack");
        assertThat(repeatedOnStream.status()).isEqualTo(400);
        assertThat(repeatedOnStream.json().path("field").asText()).isEqualTo("types");
        assertThat(admin.get("/api/v1/incidents?limit=2&status=declared").status()).as("distinct parameters").isEqualTo(200);
    }

    @Test
    void aRequestWhoseFramingAProxyCouldReadOtherwiseIsRefusedAndItsConnectionClosed() throws Exception {
        String declare = "{\"title\":\"smuggled\",\"actor\":\"a\"}";
        String chunked = Integer.toHexString(declare.length()) + "\r\n" + declare + "\r\n0\r\n\r\n";
        // (Content-Length beside "Transfer-Encoding: chunked" never reaches the gateway: Netty drops the length and reads
        // the chunks, as RFC 9112 §6.3 says.)
        for (String framing : List.of("Transfer-Encoding: chunked, identity",
                "Content-Length: " + chunked.length() + "\r\nTransfer-Encoding: xchunked")) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                RawConnection.Answer a = c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + fixture.adminKey() + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n" + chunked).readAnswer();
                assertThat(a.status()).as(framing).isEqualTo(400);
                assertThat(HttpApi.JSON.readTree(a.body()).path("type").asText()).as(framing).endsWith(":ambiguous-framing");
                assertThat(c.closedByServer()).as(framing).isTrue();
            }
        }
        assertThat(fixture.http().get("/api/v1/incidents?limit=1000").body()).doesNotContain("smuggled");
    }

    @Test
    void aTransferCodingBesideChunkedIsRefusedNamingTheHeaderNotReadAsTheBody() throws Exception {
        // "gzip, chunked": Netty takes the chunks and handed on the gzip bytes as the body, refused as malformed JSON
        // that did not say what to change. A 4xx, not RFC 9112's suggested 501: a sender retries a 5xx.
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write("{\"title\":\"gzipped\",\"actor\":\"a\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String body = new String(zipped.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
        String chunked = Integer.toHexString(zipped.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
        for (String framing : List.of("Transfer-Encoding: gzip, chunked", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked")) {
            try (RawConnection c = new RawConnection(fixture.gateway().port())) {
                RawConnection.Answer a = c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + fixture.adminKey() + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n" + chunked).readAnswer();
                assertThat(a.status()).as(framing).isEqualTo(400);
                assertThat(HttpApi.JSON.readTree(a.body()).path("type").asText()).as(framing).endsWith(":unsupported-transfer-coding");
                assertThat(HttpApi.JSON.readTree(a.body()).path("field").asText()).as(framing).isEqualTo("Transfer-Encoding");
                assertThat(c.closedByServer()).as(framing).isTrue();
            }
        }
        assertThat(fixture.http().get("/api/v1/incidents?limit=1000").body()).doesNotContain("gzipped");
    }

    @Test
    void bytesAfterAChunkedBodyAreNeverServedAsASecondRequestTheConnectionCloses() throws Exception {
        // CL.TE smuggling: a proxy framing by Content-Length forwards all of this as one request; the gateway reads the
        // chunks (an empty body), and what follows them must not become a request of its own on the same connection.
        String smuggled = "{\"title\":\"smuggled-after-chunks\",\"actor\":\"a\"}";
        String auth = "Authorization: Bearer " + fixture.adminKey() + "\r\n";
        try (RawConnection c = new RawConnection(fixture.gateway().port())) {
            RawConnection.Answer a = c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\n" + auth
                    + "Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + "POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\n" + auth + "Content-Type: application/json\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled).readAnswer();
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(c.closedByServer()).as("no second answer: the connection closed after the first").isTrue();
            assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
        }
        assertThat(fixture.http().get("/api/v1/incidents?limit=1000").body()).doesNotContain("smuggled-after-chunks");
        // A chunked request on its own is still served; its connection closes after the answer all the same.
        String declare = "{\"title\":\"chunked-declare\",\"actor\":\"a\"}";
        try (RawConnection c = new RawConnection(fixture.gateway().port())) {
            RawConnection.Answer a = c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\n" + auth
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(declare.length()) + "\r\n" + declare + "\r\n0\r\n\r\n").readAnswer();
            assertThat(a.status()).isEqualTo(201);
            assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
