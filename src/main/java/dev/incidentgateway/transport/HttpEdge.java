package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.apache.camel.CamelContext;
import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.config.HttpSettings;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.Main;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's HTTP edge, around Camel's platform-http server: read and idle timeouts for slow clients
 * ({@link ConnectionDeadlines}), the in-flight limit, the early 413, HEAD served as GET and {@code /health} on the event
 * loop ({@link EdgeGuard}), problem+json answers when no route matches ({@link UnmatchedRequests}), every error answer
 * counted as it is written ({@link ErrorAnswerMetrics}). Installed by binding a Vert.x instance in Camel's registry ({@link ServerHookVertx}) whose
 * HTTP server gets the connection handler and whose router gets the guard first, before Camel listens.
 */
public final class HttpEdge implements AutoCloseable {
    /** The limits of the edge, from {@link GatewayConfig}. */
    public record Settings(int maxInflight, long maxBodyBytes, Duration readTimeout, Duration idleTimeout) {
        public static Settings from(GatewayConfig config) {
            return new Settings(config.get(HttpSettings.HTTP_MAX_INFLIGHT), config.get(HttpSettings.HTTP_MAX_BODY_BYTES),
                    Duration.ofSeconds(config.get(HttpSettings.HTTP_READ_TIMEOUT_S)),
                    Duration.ofSeconds(config.get(HttpSettings.HTTP_IDLE_TIMEOUT_S)));
        }
    }

    private final Vertx vertx;
    private final EdgeGuard guard;
    private final ConnectionDeadlines deadlines;
    private final ProblemMapper problems;
    private final MalformedRequests malformed;
    private volatile ApiAuthPolicyFactory unmatchedAuth;
    private volatile HeaderAuthentication beforeBody;
    private volatile boolean routed;
    private final java.util.Map<String, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> streams = new java.util.LinkedHashMap<>();

    private HttpEdge(Main main, Settings settings, ProblemMapper problems, MeterRegistry meters, Map<String, Callable<ApiResponse>> anonymousProbes) {
        Vertx plain = Vertx.vertx(new io.vertx.core.VertxOptions().setMetricsOptions(ErrorAnswerMetrics.options(meters)));
        this.malformed = new MalformedRequests(problems, meters);
        this.problems = problems;
        this.deadlines = new ConnectionDeadlines(plain, settings.readTimeout(), settings.idleTimeout(), meters);
        this.guard = new EdgeGuard(plain, settings.maxInflight(), settings.maxBodyBytes(), anonymousProbes, problems, deadlines, meters);
        // HTTP/2 (h2c) would share one connection between requests: the per-connection deadlines are for HTTP/1.1.
        this.vertx = new ServerHookVertx(plain, options -> GatewayTls.restrictSuites(options.setHttp2ClearTextEnabled(false)),
                server -> onServerCreated(server, main.getCamelContext()), malformed::before);
    }

    /**
     * Binds the edge's Vert.x instance in {@code main}'s registry; Camel's HTTP server then runs on it.
     *
     * @param anonymousProbes by path ({@code /health}, {@code /health/ready}, {@code /health/live}): the answer for a caller
     *                        without a credential, or null to let the route answer; must not block
     */
    public static HttpEdge install(Main main, Settings settings, ProblemMapper problems, MeterRegistry meters,
                                   Map<String, Callable<ApiResponse>> anonymousProbes) {
        HttpEdge edge = new HttpEdge(main, settings, problems, meters, anonymousProbes);
        main.bind("gatewayVertx", edge.vertx);
        return edge;
    }

    /**
     * Serves {@code GET path} with {@code handler} on the event loop, after the guard and before Camel's routes: for
     * long-lived responses (the live stream) that must not hold a request thread. They are not counted in flight.
     * Call before Camel starts.
     */
    public void streamRoute(String path, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> handler) {
        streams.put(path, handler);
        guard.exemptFromInflight(path);
    }

    /**
     * Requests under {@code /api/v1} and {@code /metrics} that no route takes get their 404/405 only with a valid
     * credential: without one, 401 like every route there, so a caller without a key cannot map which paths and methods
     * exist. Call before Camel starts.
     */
    public void credentialBeforeNotFound(ApiAuthPolicyFactory auth) {
        this.unmatchedAuth = auth;
    }

    /**
     * Requests with a body to a route are authenticated by {@code check} from their headers before the body is read or
     * an in-flight slot is taken; see {@link EdgeGuard}. Call before Camel starts.
     */
    public void authenticateBeforeBody(HeaderAuthentication check) {
        this.beforeBody = check;
    }

    /** Whether the client sent {@code ctx}'s request as HEAD: the edge serves HEAD as GET, so a handler sees GET. */
    public static boolean askedWithHead(io.vertx.ext.web.RoutingContext ctx) {
        return EdgeGuard.askedWithHead(ctx);
    }

    private void onServerCreated(HttpServer server, CamelContext camel) {
        server.connectionHandler(deadlines::opened).invalidRequestHandler(malformed::invalid);
        if (routed) {
            return;
        }
        // Camel has bound its router by now and starts no route before its server: the guard comes first.
        for (VertxPlatformHttpRouter router : camel.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (router.isMainServer()) {
                router.route().order(Integer.MIN_VALUE).handler(guard).failureHandler(guard::onFailure);
                streams.forEach((path, handler) -> router.route(io.vertx.core.http.HttpMethod.GET, path)
                        .order(Integer.MIN_VALUE + 1).handler(handler));
                UnmatchedRequests unmatched = UnmatchedRequests.install(router, problems, unmatchedAuth); // 404/405 as problem+json, with Allow
                if (beforeBody != null) { // a request no route takes is answered without its body being read
                    guard.authenticateBeforeBody(beforeBody, unmatched::takes);
                }
                routed = true;
            }
        }
        if (!routed) {
            throw new IllegalStateException("Camel's platform-http router was not found: the HTTP limits cannot be installed");
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Camel closes the Vert.x instance it was given when it stops; a second close has nothing left to do.
        }
    }
}
