package dev.incidentgateway.transport;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Callers without a credential who send a body slowly (one byte now and then) hold no in-flight slot: a request whose
 * credential is in its headers is checked before its body is read, and one whose sender only the body can tell (a signed
 * webhook source) takes a slot of a smaller budget, so authenticated callers are still served. Eight slots here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowBodyStrangersIT {
    private static final int MAX_INFLIGHT = 8;
    private static final String PAGERDUTY_SECRET = "pagerduty-test-secret";
    private GatewayFixture gateway;

    @BeforeAll
    void start() throws Exception {
        gateway = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_MAX_INFLIGHT", Integer.toString(MAX_INFLIGHT),
                "GATEWAY_HTTP_READ_TIMEOUT_S", "120", "GATEWAY_HTTP_IDLE_TIMEOUT_S", "120",
                "PAGERDUTY_WEBHOOK_SECRET", PAGERDUTY_SECRET));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void strangersWithSlowBodiesAreRefusedFromTheirHeadersAndAuthenticatedCallersAreServed() throws Exception {
        int port = gateway.gateway().port();
        List<RawConnection> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * MAX_INFLIGHT; i++) {
                String target = i % 2 == 0 ? "/api/v1/incidents" : "/webhooks/alertmanager";
                String credential = i % 3 == 0 ? "Authorization: Bearer igw_not-a-key-" + i + "\r\n" : "";
                strangers.add(new RawConnection(port).send("POST " + target + " HTTP/1.1\r\nHost: gateway\r\n" + credential
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"));
            }
            HttpApi api = gateway.http();
            for (int i = 0; i < 20; i++) { // for two seconds, while the strangers' requests reach the gateway and stay open
                assertThat(api.get("/api/v1/incidents?limit=1").status()).as("a slot is free for an authenticated caller").isEqualTo(200);
                Thread.sleep(100);
            }
            assertThat(api.postJson("/api/v1/incidents", HttpApi.obj("title", "served while strangers trickle", "actor", "t")).status())
                    .isEqualTo(201);
            for (RawConnection stranger : strangers) {
                RawConnection.Answer a = stranger.readAnswer(); // at once: the body (never sent) was not waited for
                assertThat(a.status()).isEqualTo(401);
                assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
            }
            assertThat(strangers.get(0).closedByServer()).as("the unread body is not wanted").isTrue();
        } finally {
            closeAll(strangers);
        }
        assertThat(gateway.http().get("/metrics").body()).containsPattern("gateway_http_refused_total\\{reason=\"credential\"\\} [1-9]");
    }

    @Test
    void requestsOnlyTheirBodyCanAuthenticateShareASmallerBudget() throws Exception {
        int port = gateway.gateway().port();
        int budget = EdgeGuard.unauthenticatedBudget(MAX_INFLIGHT);
        HttpApi api = gateway.http();
        List<RawConnection> signed = new ArrayList<>();
        try {
            for (int i = 0; i < budget; i++) { // a signed source: the signature covers the body, so it must be read first
                signed.add(slowPagerDutyDelivery(port));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> api.metric("gateway_http_inflight_unauthenticated") == budget);
            RawConnection oneMore = slowPagerDutyDelivery(port);
            signed.add(oneMore);
            RawConnection.Answer refused = oneMore.readAnswer();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(HttpApi.JSON.readTree(refused.body()).path("detail").asText()).contains("GATEWAY_MAX_INFLIGHT");
            assertThat(api.get("/api/v1/incidents?limit=1").status()).as("the other slots stay free").isEqualTo(200);
        } finally {
            closeAll(signed);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.metric("gateway_http_inflight_unauthenticated") == 0);
    }

    /**
     * A name no source has, or a source that is off, is refused from the headers (404, the body unread): strangers
     * trickling bodies to such names cannot fill the smaller budget, so a correctly signed delivery is still served.
     */
    @Test
    void requestsToNoSourceAreRefusedFromTheirHeadersAndSignedDeliveriesAreServed() throws Exception {
        int port = gateway.gateway().port();
        HttpApi api = gateway.http();
        int strangerCount = 10 * EdgeGuard.unauthenticatedBudget(MAX_INFLIGHT);
        double seenBefore = strangersSeen(api);
        double credentialRefusalsBefore = api.metric("gateway_http_refused_total{reason=\"credential\"}");
        List<RawConnection> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < strangerCount; i++) {
                String target = i % 2 == 0 ? "/webhooks/nosuch" : "/webhooks/datadog"; // datadog: off, no DATADOG_WEBHOOK_TOKEN
                strangers.add(new RawConnection(port).send("POST " + target + " HTTP/1.1\r\nHost: gateway\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> strangersSeen(api) >= seenBefore + strangerCount);
            byte[] delivery = Files.readAllBytes(Path.of("src/test/resources/fixtures/pagerduty-incident-triggered.json"));
            HttpApi.Response signed = api.post("/webhooks/pagerduty", "application/json", HttpRequest.BodyPublishers.ofByteArray(delivery),
                    "X-PagerDuty-Signature", pagerDutySignature(delivery));
            assertThat(signed.status()).as("a signed delivery is served: %s", signed).isEqualTo(200);
            for (int i = 0; i < strangerCount; i++) {
                RawConnection.Answer a = strangers.get(i).readAnswer(); // at once: the body (never sent) was not waited for
                assertThat(a.status()).isEqualTo(404);
                assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(HttpApi.JSON.readTree(a.body()).path("detail").asText()).contains(i % 2 == 0
                        ? "no webhook source named 'nosuch'" : "webhook source 'datadog' is off (");
            }
            assertThat(strangers.get(0).closedByServer()).as("the unread body is not wanted").isTrue();
            assertThat(api.metric("gateway_http_refused_total{reason=\"credential\"}"))
                    .as("a name no source has is no bad credential").isEqualTo(credentialRefusalsBefore);
        } finally {
            closeAll(strangers);
        }
    }

    /** Requests the edge has answered or holds: refused from their headers, refused for the budget, or holding a slot of it. */
    private static double strangersSeen(HttpApi api) {
        return api.metric("gateway_http_refused_total{reason=\"credential\"}")
                + api.metric("gateway_http_refused_total{reason=\"not-found\"}")
                + api.metric("gateway_http_refused_total{reason=\"inflight-unauthenticated\"}")
                + api.metric("gateway_http_inflight_unauthenticated");
    }

    private static String pagerDutySignature(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PAGERDUTY_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static RawConnection slowPagerDutyDelivery(int port) throws Exception {
        return new RawConnection(port).send("POST /webhooks/pagerduty HTTP/1.1\r\nHost: gateway\r\nX-PagerDuty-Signature: v1=00\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
    }

    private static void closeAll(List<RawConnection> connections) throws Exception {
        for (RawConnection c : connections) {
            c.close();
        }
    }
}
