package dev.incidentgateway.transport;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a graceful stop drains the requests in flight, {@code /health} without a credential (what a load balancer
 * asks) says 503 like every other request, so the instance is taken out: the edge answers it from the cached probe
 * on the event loop, before the intake gate, and said 200 UP until the port closed.
 */
class HealthDuringShutdownIT {

    @Test
    void anonymousHealthAnswers503OnceTheStopHasBegunWhileARequestInFlightStillGetsItsAnswer() throws Exception {
        GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_SHUTDOWN_TIMEOUT_S", "30"));
        HttpApi anonymous = new HttpApi(fixture.gateway().port());
        CompletableFuture<Void> stopped = null;
        try (RawConnection slow = new RawConnection(fixture.gateway().port())) {
            assertThat(anonymous.get("/health").status()).isEqualTo(200);
            assertThat(anonymous.get("/health/ready").status()).isEqualTo(200);
            assertThat(anonymous.get("/health/live").status()).isEqualTo(200);
            String body = "{\"id\":\"SLOW-1\",\"title\":\"in flight at the stop\",\"actor\":\"t\"}";
            slow.send("POST /api/v1/incidents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + fixture.adminKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"); // the body comes later
            // Admitted (it holds the drain) once the edge counts it: the metrics request itself is the other one in flight.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> fixture.http().get("/metrics")
                    .body().lines().anyMatch(l -> l.matches("gateway_http_inflight(\\{[^}]*\\})? ([2-9]|[1-9][0-9]+)(\\.0)?")));

            stopped = CompletableFuture.runAsync(fixture::close);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> anonymous.get("/health").status() == 503);
            HttpApi.Response health = anonymous.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.header("Retry-After")).isPresent();
            assertThat(anonymous.get("/health/ready").status()).as("readiness takes the instance out too").isEqualTo(503);
            assertThat(stopped).as("the stop waits for the request in flight").isNotDone();

            slow.send(body);
            assertThat(slow.readAnswer().status()).as("admitted before the stop: answered").isEqualTo(201);
            stopped.get(30, TimeUnit.SECONDS);
        } finally {
            if (stopped == null) {
                fixture.close();
            }
        }
    }
}
