package dev.incidentgateway.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's guard on a real Vert.x server: a request whose credential memory accepts is admitted on the event loop, so
 * callers whose check must wait (keys never seen, read from a store that hangs) cannot queue a known caller behind them
 * on the edge's few check threads. No timing is asserted: the known caller's answer is awaited up to 30 s while the
 * blocked checks stay blocked.
 */
class KnownCredentialsOnTheEventLoopIT {
    private final Vertx vertx = Vertx.vertx();
    private final CountDownLatch storeHangs = new CountDownLatch(1);

    @AfterEach
    void stop() {
        storeHangs.countDown();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aKnownCallerIsServedWhileEveryCheckThreadWaitsOnTheStore() throws Exception {
        AtomicInteger checksWaiting = new AtomicInteger();
        EdgeGuard guard = guard(new HeaderAuthentication() {
            @Override
            public Verdict check(String path, String method, Map<String, String> headers) {
                checksWaiting.incrementAndGet();
                try {
                    storeHangs.await(); // an unknown key: the store is asked, and does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Refused(ApiProblem.unauthorized("unknown key"));
            }

            @Override
            public boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
                return "Bearer known".equals(headers.get("authorization")); // the edge's header map ignores case
            }
        });
        Router router = Router.router(vertx);
        router.route().order(Integer.MIN_VALUE).handler(guard).failureHandler(guard::onFailure);
        router.post("/webhooks/x").handler(BodyHandler.create()).handler(ctx -> ctx.response().end("got " + ctx.body().asString()));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> strangers = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // twice the edge's check threads: four wait on the store, four queue behind them
            strangers.add(client.sendAsync(post(server.actualPort(), "Bearer unknown-" + i), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (checksWaiting.get() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(checksWaiting.get()).as("every check thread waits on the store").isEqualTo(4);

        HttpResponse<String> known = client.sendAsync(post(server.actualPort(), "Bearer known"), HttpResponse.BodyHandlers.ofString())
                .get(30, TimeUnit.SECONDS);

        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(known.body()).isEqualTo("got {\"alert\":1}");
        assertThat(strangers).as("the callers the store must be asked about are still waiting").noneMatch(CompletableFuture::isDone);
        assertThat(checksWaiting.get()).as("the known caller took no check thread").isEqualTo(4);
        storeHangs.countDown();
        for (CompletableFuture<HttpResponse<String>> stranger : strangers) {
            assertThat(stranger.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aRequestWithoutABodyThatBringsACredentialIsCheckedBeforeItTakesASlot() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        EdgeGuard guard = guard(new HeaderAuthentication() {
            @Override
            public Verdict check(String path, String method, Map<String, String> headers) {
                checks.incrementAndGet();
                return "Bearer late".equals(headers.get("authorization")) ? new Authenticated()
                        : new Refused(ApiProblem.unauthorized("unknown key"));
            }

            @Override
            public boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
                return "Bearer known".equals(headers.get("authorization"));
            }
        });
        Router router = Router.router(vertx);
        router.route().order(Integer.MIN_VALUE).handler(guard).failureHandler(guard::onFailure);
        router.get("/api/x").handler(BodyHandler.create()).handler(ctx -> ctx.response().end("served " + served.incrementAndGet()));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> guessed = client.send(get(server.actualPort(), "Bearer guessed"), HttpResponse.BodyHandlers.ofString());
        assertThat(guessed.statusCode()).isEqualTo(401);
        assertThat(served.get()).as("refused at the edge: the route never ran, no slot was held").isZero();
        assertThat(checks.get()).isEqualTo(1);

        assertThat(client.send(get(server.actualPort(), "Bearer known"), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("served 1");
        assertThat(checks.get()).as("a key memory holds is not checked off the event loop").isEqualTo(1);
        assertThat(client.send(get(server.actualPort(), "Bearer late"), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("served 2");
        assertThat(checks.get()).isEqualTo(2);
        HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/api/x"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.body()).as("no credential and no body: the route decides at once, as before").isEqualTo("served 3");
        assertThat(checks.get()).isEqualTo(2);
    }

    /** The edge's guard with {@code check} as its check before the body, every path routed. */
    private EdgeGuard guard(HeaderAuthentication check) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EdgeGuard guard = new EdgeGuard(vertx, 64, 1 << 20, Map.of(), new ProblemMapper(new ObjectMapper()),
                new ConnectionDeadlines(vertx, Duration.ofSeconds(60), Duration.ofSeconds(60), meters), meters);
        guard.authenticateBeforeBody(check, (path, method) -> true);
        return guard;
    }

    private static HttpRequest get(int port, String authorization) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/x")).header("Authorization", authorization).GET().build();
    }

    private static HttpRequest post(int port, String authorization) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/x")).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"alert\":1}")).build();
    }
}
