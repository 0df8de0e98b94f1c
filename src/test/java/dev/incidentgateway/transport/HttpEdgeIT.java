package dev.incidentgateway.transport;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.security.RefusalLog;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP edge over real sockets, on an in-process gateway (H2): slow and idle clients are cut off, a declared body
 * above the limit is refused unread, a body without length stops being read at the limit, and beyond the in-flight
 * limit requests get 503 at once while /health still answers. No timing is asserted: the sockets wait up to 30 s for
 * the gateway to act.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeIT {
    private static final int MAX_BODY = 1_048_576;
    /** Short timeouts, so the cut-offs happen within the test. */
    private GatewayFixture strict;
    /** Two requests in flight at most, long timeouts so that held requests stay held. */
    private GatewayFixture narrow;

    @BeforeAll
    void start() throws Exception {
        strict = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_HTTP_READ_TIMEOUT_S", "1", "GATEWAY_HTTP_IDLE_TIMEOUT_S", "2"));
        narrow = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_MAX_INFLIGHT", "2",
                "GATEWAY_HTTP_READ_TIMEOUT_S", "120", "GATEWAY_HTTP_IDLE_TIMEOUT_S", "120"));
    }

    @AfterAll
    void stop() {
        for (GatewayFixture f : new GatewayFixture[] {strict, narrow}) {
            if (f != null) {
                f.close();
            }
        }
    }

    @Test
    void headIsGetWithoutABodyAndRequestsNoRouteTakesAreAnsweredAsProblems() {
        HttpApi anonymous = new HttpApi(strict.gateway().port());
        HttpApi admin = strict.http();
        Response health = anonymous.send("HEAD", "/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).as("no body in an answer to HEAD").isEmpty();
        Response list = admin.send("HEAD", "/api/v1/incidents");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(list.body()).isEmpty();
        assertThat(anonymous.send("HEAD", "/api/v1/incidents").status()).as("the same credential as GET").isEqualTo(401);
        Response streamHead = admin.send("HEAD", "/api/v1/stream");
        assertThat(streamHead.status()).isEqualTo(200);
        assertThat(streamHead.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(admin.get("/metrics").body()).as("HEAD opens no stream that lives on").contains("gateway_stream_subscribers 0.0");

        Response listed = admin.get("/api/v1/incidents");
        assertThat(listed.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(listed.headers().firstValue("Cache-Control")).as("incident data is not kept by caches").contains("no-store");
        Response refusedList = anonymous.get("/api/v1/incidents");
        assertThat(refusedList.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(refusedList.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        Response unknown = admin.get("/api/v1/no-such-thing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(unknown.json().path("type").asText()).endsWith(":not-found");
        assertThat(anonymous.get("/no/such/path").status()).isEqualTo(404);
        for (String[] request : new String[][] {{"GET", "/api/v1/no-such-thing"}, {"DELETE", "/api/v1/incidents/INC-1"},
                {"PUT", "/api/v1/outbox/1/skip"}, {"POST", "/metrics"}}) {
            Response withoutKey = anonymous.send(request[0], request[1]);
            assertThat(withoutKey.status()).as("no key learns nothing of %s %s", request[0], request[1]).isEqualTo(401);
            assertThat(withoutKey.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        Response delete = admin.send("DELETE", "/api/v1/incidents/INC-1");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(delete.json().path("type").asText()).endsWith(":method-not-allowed");
        Response put = admin.send("PUT", "/api/v1/incidents");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD, POST");
        Response webhookGet = anonymous.get("/webhooks/alertmanager");
        assertThat(webhookGet.status()).isEqualTo(405);
        assertThat(webhookGet.headers().firstValue("Allow")).contains("POST");
        assertThat(admin.get("/metrics").body()).as("every error answer is counted, those of requests no route takes too")
                .containsPattern("gateway_http_errors_total\\{status=\"405\"\\} [3-9]");
    }

    @Test
    void everyErrorAnswerIsCountedOnceByItsStatusWhoeverWroteIt() throws Exception {
        HttpApi admin = strict.http();
        HttpApi anonymous = new HttpApi(strict.gateway().port());
        Map<String, Runnable> answers = new java.util.LinkedHashMap<>();
        answers.put("401 the API's credential check", () -> assertThat(anonymous.get("/api/v1/incidents").status()).isEqualTo(401));
        answers.put("404 no route takes it", () -> assertThat(admin.get("/api/v1/no-such-thing").status()).isEqualTo(404));
        answers.put("400 the API's own problem", () -> assertThat(admin.post("/api/v1/incidents", "application/json", "{").status())
                .isEqualTo(400));
        answers.put("400 the live stream's refusal", () -> assertThat(admin.get("/api/v1/stream?types=no-such-type").status())
                .isEqualTo(400));
        answers.put("400 the edge's query check", () -> assertThat(raw("GET /api/v1/incidents?limit=%zz HTTP/1.1\r\nHost: g\r\n\r\n"))
                .isEqualTo(400));
        answers.put("400 the server's path check", () -> assertThat(raw("GET /api/v1/incidents/%zz HTTP/1.1\r\nHost: g\r\n\r\n"))
                .isEqualTo(400));
        answers.put("414 the HTTP decoder's refusal", () -> assertThat(raw("GET /?q=" + "x".repeat(5000) + " HTTP/1.1\r\nHost: g\r\n\r\n"))
                .isEqualTo(414));
        for (Map.Entry<String, Runnable> answer : answers.entrySet()) {
            String status = answer.getKey().substring(0, 3);
            double before = admin.metric(errorSeries(status));
            answer.getValue().run();
            assertThat(admin.metric(errorSeries(status)) - before).as(answer.getKey()).isEqualTo(1.0);
        }
        double ok = admin.metric(errorSeries("200"));
        assertThat(admin.get("/api/v1/incidents").status()).isEqualTo(200);
        assertThat(admin.metric(errorSeries("200"))).as("a success is no error").isEqualTo(ok).isZero();
    }

    private static String errorSeries(String status) {
        return "gateway_http_errors_total{status=\"" + status + "\"}";
    }

    /** The status of the answer to one raw request on its own connection. */
    private int raw(String request) {
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            return c.send(request).readAnswer().status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }


    @Test
    void aClientThatNeverFinishesItsHeadersIsCutOff() throws Exception {
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nContent-Type: appl");
            assertThat(c.closedByServer()).as("closed by the read timeout, nothing answered").isTrue();
        }
    }

    @Test
    void aBodyThatStopsHalfWayIsCutOffAndNothingIsStored() throws Exception {
        String id = "SLOW-" + System.nanoTime();
        String body = "{\"id\":\"" + id + "\",\"title\":\"Slow body\",\"actor\":\"t\"}";
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + strict.adminKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body.substring(0, body.length() / 2));
            assertThat(c.closedByServer()).as("closed by the read timeout").isTrue();
        }
        assertThat(strict.gateway().store().incident(id)).isEmpty();
    }

    @Test
    void aBodyCutByTheReadTimeoutIsNoErrorInTheLog() throws Exception {
        // EdgeGuard's DEBUG line says the cut request has been dealt with
        try (CapturedLogs logs = CapturedLogs.root().atLevel(EdgeGuard.class.getName(), Level.DEBUG);
             RawConnection c = new RawConnection(strict.gateway().port())) {
            c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + strict.adminKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");
            assertThat(c.closedByServer()).as("closed by the read timeout, nothing answered").isTrue();
            // The server handles the closed connection after the client sees it: wait until it has logged either way.
            await().atMost(Duration.ofSeconds(20)).until(() -> !logs.events(e -> e.getLevel() == Level.ERROR
                    || e.getLoggerName().equals(EdgeGuard.class.getName()) && e.getLevel() == Level.DEBUG).isEmpty());
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).as("the sender's trouble, not the gateway's")
                    .isEmpty();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsAnswer() throws Exception {
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            RawConnection.Answer health = c.send("GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n").readAnswer();
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.header("Connection")).as("kept alive after the answer").isNotEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).as("closed by the idle timeout").isTrue();
        }
    }

    @Test
    void aDeclaredBodyAboveTheLimitGets413BeforeItIsSent() throws Exception {
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            RawConnection.Answer a = c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + strict.adminKey() + "\r\nContent-Type: application/json\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n")
                    .readAnswer(); // not one byte of the body was sent
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(HttpApi.JSON.readTree(a.body()).path("type").asText()).endsWith("body-too-large");
            assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(strict.http().get("/metrics").body()).as("counted with the routes' error answers")
                .containsPattern("gateway_http_errors_total\\{status=\"413\"\\} [1-9]");
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimitWithoutWaitingForItsEnd() throws Exception {
        try (RawConnection c = new RawConnection(strict.gateway().port())) {
            c.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + strict.adminKey()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int sent = 0; sent <= MAX_BODY; sent += 0x10000) {
                c.send(chunk);
            }
            // The last chunk is never sent: the answer comes anyway.
            RawConnection.Answer a = c.readAnswer();
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void beyondTheInflightLimitRequestsGet503AtOnceWhileHealthAnswers() throws Exception {
        int port = narrow.gateway().port();
        HttpApi api = narrow.http();
        List<RawConnection> held = new ArrayList<>();
        try (CapturedLogs logs = CapturedLogs.of(RefusalLog.class.getName())) {
            for (int i = 0; i < 2; i++) { // two requests whose bodies never come: in flight until their connection closes
                held.add(new RawConnection(port).send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + narrow.adminKey() + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"));
            }
            // Their credentials are checked off the event loop before they take a slot: a poll in flight at that moment
            // would take the slot one of them is about to fill (and it would get the 503), so the polls start after.
            Thread.sleep(1_000);
            Response refused = awaitStatus(api, 503);
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
            assertThat(refused.header("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(refused.json().path("type").asText()).endsWith("overloaded");
            assertThat(api.get("/api/v1/incidents?limit=1").status()).isEqualTo(503);
            assertThat(logs.lines(e -> true)).as("one WARN for the first, the next within the minute only counted").singleElement()
                    .asString().startsWith("WARN Refused requests with 503 (inflight): 503 The gateway is serving its most requests "
                            + "at once (2, GATEWAY_MAX_INFLIGHT)").contains("raise GATEWAY_MAX_INFLIGHT");

            Response anonymousHealth = new HttpApi(port).get("/health");
            assertThat(anonymousHealth.status()).isEqualTo(200);
            assertThat(anonymousHealth.json().path("status").asText()).isEqualTo("UP");
            assertThat(anonymousHealth.json().has("checks")).as("no detail without a credential").isFalse();
            Response detailedHealth = api.get("/health");
            assertThat(detailedHealth.status()).as("never counted, never refused").isEqualTo(200);
            assertThat(detailedHealth.json().path("checks").path("store").path("status").asText()).isEqualTo("UP");
        } finally {
            for (RawConnection c : held) {
                c.close();
            }
        }
        assertThat(awaitStatus(api, 200).status()).as("room again once the held requests are gone").isEqualTo(200);
    }

    /** GET /api/v1/incidents until it answers {@code status} (the held connections reach the server asynchronously). */
    private static Response awaitStatus(HttpApi api, int status) throws InterruptedException {
        Response r = null;
        for (int i = 0; i < 300; i++) {
            r = api.get("/api/v1/incidents?limit=1");
            if (r.status() == status) {
                return r;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + status + " within 300 tries; last: " + r);
    }
}
