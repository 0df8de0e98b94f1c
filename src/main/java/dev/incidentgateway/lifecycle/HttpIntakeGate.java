package dev.incidentgateway.lifecycle;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.transport.ProblemResponses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of every HTTP request (all routes, {@code /health} included): counts the requests in flight and,
 * once {@link #close closed} at shutdown, answers new ones at once with 503 + {@code Retry-After} and
 * {@code Connection: close}, while those already admitted run to their end. A load balancer or readiness probe thus
 * sees the instance leave, and a client retries elsewhere (or here after the restart); nothing it sent is stored.
 * Once those have been answered, {@link #closeListener} closes the port: later connections are refused.
 *
 * <p>Done here rather than by stopping Camel's platform-http consumers: a stopped consumer answers 404 (the path is
 * gone), which a client takes as its own mistake.
 */
public final class HttpIntakeGate {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIntakeGate.class);
    /** A problem type of the gateway's own like every other 503, so a client can tell this one (go elsewhere) apart. */
    static final ApiProblem REFUSAL = new ApiProblem(503, "shutting-down", "Shutting down",
            "The gateway is shutting down; nothing was stored. Retry shortly (another instance, or this one once it is back).",
            null, Map.of("Retry-After", "5"));

    private final ProblemMapper problems;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean open = true;
    private volatile VertxPlatformHttpRouter router;

    public HttpIntakeGate(ProblemMapper problems) {
        this.problems = problems;
    }

    /** Puts the gate in front of the main server's routes; call once Camel (and so its HTTP server) has started. */
    public void install(CamelContext camel) {
        router = camel.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(VertxPlatformHttpRouter::isMainServer).findFirst()
                .orElseThrow(() -> new IllegalStateException("no platform-http router: the HTTP server has not started"));
        install(router);
    }

    /** Puts the gate before every other route of {@code router}. */
    void install(Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        // Counted before the check: close() then either sees this request in the count or the request sees the gate closed.
        inFlight.incrementAndGet();
        if (!open) {
            inFlight.decrementAndGet();
            ProblemResponses.end(ctx.response().putHeader("Connection", "close"), REFUSAL,
                    problems.render(REFUSAL, ctx.request().path()));
            return;
        }
        ctx.addEndHandler(ended -> inFlight.decrementAndGet()); // answered, failed or the connection dropped
        ctx.next();
    }

    /** Refuses every request from now on. */
    public void close() {
        open = false;
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * Closes the listening socket (and the idle keep-alive connections) once the admitted requests are answered, so the
     * port is free and a client's next attempt fails at once instead of racing Camel's own stop of the server.
     */
    public void closeListener(Duration max) {
        VertxPlatformHttpRouter r = router;
        io.vertx.core.http.HttpServer server = r == null || r.getServer() == null ? null : r.getServer().getServer();
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("The HTTP listener did not close within {} ms: {}", max.toMillis(), e.toString());
            }
        }
    }

    /** Requests admitted and not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until every admitted request has been answered or {@code deadline} passes; whether all were. */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        while (inFlight.get() > 0) {
            if (!Instant.now().isBefore(deadline)) {
                return false;
            }
            Thread.sleep(Math.min(20, Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
        }
        return true;
    }
}
