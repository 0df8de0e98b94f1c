package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.security.RefusalLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;

/**
 * How the HTTP edge ({@link EdgeGuard}) refuses a request: its problem+json answer, counted in
 * {@code gateway.http.refused} by reason, then the connection closed. A refusal closes the connection: the unread body
 * is not wanted. Before closing, what the client still sends is discarded (never buffered) for a moment, so a client
 * busy sending sees the answer rather than a reset.
 */
final class EdgeRefusal {
    /** Longest a refused request's remaining body is discarded before the connection is closed. */
    private static final long LINGER_MILLIS = 2_000;

    private final Vertx vertx;
    private final ProblemMapper problems;
    private final MeterRegistry meters;

    /**
     * Every reason the edge refuses for ({@link EdgeGuard}'s and {@link MalformedRequests}'), registered at 0 at the start:
     * an alert on {@code rate(gateway_http_refused_total{reason="inflight"}[5m])} then sees the first overload, where a
     * series born at 1 has no earlier sample to rise from.
     */
    static final java.util.List<String> REASONS = java.util.List.of("credential", "not-found", "inflight",
            "inflight-unauthenticated", "body-too-large", "expectation-failed", "unsupported-content-encoding",
            "invalid-query", "invalid-path", "ambiguous-framing", "unsupported-transfer-coding", "malformed-request");

    EdgeRefusal(Vertx vertx, ProblemMapper problems, MeterRegistry meters) {
        this.vertx = vertx;
        this.problems = problems;
        this.meters = meters;
        REASONS.forEach(reason -> meters.counter("gateway.http.refused", "reason", reason));
    }

    /**
     * The edge's own 503s (every slot in flight taken) in the log: the counter alone left the log silent while senders got
     * 503s, so the on-call reading it at 3 a.m. saw nothing. A WARN for the first, then one a minute with how many came
     * meanwhile (the refusal log's window: a flood costs a line a minute).
     */
    private final RefusalLog overloads = new RefusalLog(Clock.systemUTC());

    void refuse(RoutingContext ctx, ApiProblem problem, String reason) {
        meters.counter("gateway.http.refused", "reason", reason).increment();
        if (reason.startsWith("inflight")) {
            overloads.refused("requests with 503 (" + reason + ")", problem.status(), problem.getMessage() + " Senders retry "
                    + "after Retry-After; if it lasts, add an instance, or raise GATEWAY_MAX_INFLIGHT when the store keeps up "
                    + "(gateway_append_group_commit_seconds)");
        }
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.putHeader("Connection", "close");
        ProblemResponses.end(response, problem, problems.render(problem, request.path())).onComplete(written -> discardThenClose(request));
    }

    private void discardThenClose(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        try {
            request.handler(ignored -> { }).endHandler(v -> connection.close());
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            connection.close();
            return;
        }
        vertx.setTimer(LINGER_MILLIS, t -> connection.close());
    }
}
