package dev.incidentgateway.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ProblemMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gate on a real Vert.x server: once closed, a request in flight still gets its answer and a new one gets 503. */
class HttpIntakeGateIT {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private Vertx vertx;
    private HttpServer server;
    private HttpIntakeGate gate;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        gate = new HttpIntakeGate(new ProblemMapper(new ObjectMapper()));
        Router router = Router.router(vertx);
        router.get("/slow").handler(ctx -> vertx.executeBlocking(() -> release.await(30, TimeUnit.SECONDS))
                .onComplete(done -> ctx.response().end("done")));
        router.get("/fast").handler(ctx -> ctx.response().end("fast"));
        gate.install(router); // after the routes, as in the gateway: its order puts it first anyway
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void aClosedGateLetsTheRequestInFlightFinishAndRefusesNewOnesWith503() throws Exception {
        assertThat(client.send(get("/fast"), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("fast");
        assertThat(gate.inFlight()).isZero();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(get("/slow"), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.inFlight() == 1);

        gate.close();
        HttpResponse<String> refused = client.send(get("/fast"), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = new ObjectMapper().readTree(refused.body());
        assertThat(problem.path("type").asText()).as("the gateway's own problem type, as every other 503")
                .isEqualTo("urn:incident-gateway:problem:shutting-down");
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("instance").asText()).isEqualTo("/fast");
        assertThat(problem.path("detail").asText()).contains("shutting down");
        assertThat(gate.awaitIdle(Instant.now().plusMillis(200))).as("idle while the slow request runs").isFalse();

        release.countDown();
        assertThat(gate.awaitIdle(Instant.now().plusSeconds(10))).isTrue();
        HttpResponse<String> answered = slow.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("done");
    }
}
