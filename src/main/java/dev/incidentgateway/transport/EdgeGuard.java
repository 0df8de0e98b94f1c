package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.ProblemMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of every request, on the Vert.x event loop, before any body is read and before a request
 * thread is taken:
 * <ul>
 *   <li>{@code GET /health} without a credential is answered here from the cached store probe, so it never
 *       waits behind busy request threads; with a credential it goes on to the Camel route (detail needs read);</li>
 *   <li>a {@code Content-Length} above the body limit gets 413 at once, the body unread, and a body with a content coding
 *       ({@code Content-Encoding: gzip}) 415; a request framed both by
 *       {@code Content-Length} and {@code Transfer-Encoding} (or by a coding other than chunked) 400;</li>
 *   <li>a request with a body to a route that reads it (and one without a body that brings a credential) is first
 *       authenticated from its headers, before its body is read or a slot is taken ({@link HeaderAuthentication}): a
 *       missing or wrong credential gets its 401 (403, 503) at once. Requests whose sender only the body can tell (signed webhooks) or that need no
 *       credential (open routes) take, besides their slot, one of the smaller budget {@link #unauthenticatedBudget}:
 *       strangers sending slow bodies cannot hold every slot;</li>
 *   <li>beyond {@code maxInflight} requests being served, 503 + Retry-After at once (nothing queues);
 *       {@code /health} is never counted or refused.</li>
 * </ul>
 * A refusal closes the connection after a moment of discarding what the client still sends ({@link EdgeRefusal}).
 */
final class EdgeGuard implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);
    /** Most checks answer from memory; a few wait (at most 0.5 s for a key seen for the first time, an OIDC key fetch). */
    private static final int CREDENTIAL_CHECK_THREADS = 4;

    private final int maxInflight;
    private final long maxBodyBytes;
    /** {@code /health}, {@code /health/ready}, {@code /health/live}: answered here for a caller without a credential. */
    private final Map<String, Callable<ApiResponse>> anonymousProbes;
    private final ProblemMapper problems;
    private final ConnectionDeadlines deadlines;
    private final EdgeRefusal refusal;
    private final ChunkedConnections chunked = new ChunkedConnections();
    private final AtomicInteger inflight = new AtomicInteger();
    /** Requests in flight whose sender was not known before their body was read; also counted in {@link #inflight}. */
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final int maxUnauthenticated;
    private volatile HeaderAuthentication beforeBody;
    /** Threads of their own for {@link #beforeBody}: Vert.x's worker pool may be held by routes waiting on the store. */
    private final io.vertx.core.WorkerExecutor credentialChecks;
    /** Whether a route (which reads the body) takes a path and method; until the routes exist, every request. */
    private volatile java.util.function.BiPredicate<String, String> routed = (path, method) -> true;
    /** Long-lived responses (live streams) with a limit of their own: never counted or refused here. */
    private final java.util.Set<String> notCounted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    EdgeGuard(Vertx vertx, int maxInflight, long maxBodyBytes, Map<String, Callable<ApiResponse>> anonymousProbes, ProblemMapper problems,
              ConnectionDeadlines deadlines, MeterRegistry meters) {
        this.maxInflight = maxInflight;
        this.maxBodyBytes = maxBodyBytes;
        this.anonymousProbes = Map.copyOf(anonymousProbes);
        this.problems = problems;
        this.deadlines = deadlines;
        this.refusal = new EdgeRefusal(vertx, problems, meters);
        this.maxUnauthenticated = unauthenticatedBudget(maxInflight);
        this.credentialChecks = vertx.createSharedWorkerExecutor("gateway-credential-check", CREDENTIAL_CHECK_THREADS);
        meters.gauge("gateway.http.inflight", inflight);
        meters.gauge("gateway.http.inflight.unauthenticated", unauthenticated);
    }

    /**
     * Of {@code maxInflight} slots, how many requests whose sender is known only once their body is in may hold at once:
     * a quarter (at least one), so that the rest stay free for callers whose credential was checked from the headers.
     */
    static int unauthenticatedBudget(int maxInflight) {
        return Math.max(1, maxInflight / 4);
    }

    /** From now on, requests with a body are authenticated from their headers first, by {@code check}. */
    void authenticateBeforeBody(HeaderAuthentication check, java.util.function.BiPredicate<String, String> routed) {
        this.routed = routed;
        this.beforeBody = check;
    }

    /** Set on a request that came as HEAD and was rerouted as GET. */
    private static final String HEAD_REQUEST = "incidentgateway.head";

    /** Whether the client asked with HEAD (the rerouted request's method says GET). */
    static boolean askedWithHead(RoutingContext ctx) {
        return Boolean.TRUE.equals(ctx.get(HEAD_REQUEST));
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (chunked.dropIfAfterChunked(request)) {
            return; // bytes after a chunked body on its connection: what a proxy in front may not have seen as a request
        }
        if (request.method() == HttpMethod.HEAD) {
            // HEAD is GET without the body (RFC 9110 §9.3.2): routed again as GET, same credential and scope; Vert.x sends no
            // body in the answer to a HEAD request. The routes (Camel's, YAML ones) then need no HEAD of their own.
            ctx.put(HEAD_REQUEST, Boolean.TRUE); // the rerouted request says GET; a handler that streams must know
            ctx.reroute(HttpMethod.GET, request.uri());
            return;
        }
        deadlines.requestHead(ctx);
        // Every answer: a browser never sniffs a JSON body into HTML; the API's answers (incident data) are never stored
        // by a cache on the way. A route may set its own (the console's pages, the stream).
        ctx.response().putHeader("X-Content-Type-Options", "nosniff");
        if (request.isSSL()) {
            // Served over TLS: browsers (the console) must never fall back to plain HTTP for this host (RFC 6797). No
            // includeSubDomains: the gateway cannot speak for other hosts of the domain.
            ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000");
        }
        // The path the router matches routes by (dot segments and repeated slashes removed, %-escapes of unreserved
        // characters decoded): //api/v1/incidents reaches the same route as /api/v1/incidents and gets the same treatment.
        String path = ctx.normalizedPath();
        if (path.startsWith("/api/") || path.equals("/metrics") || path.startsWith("/metrics/")) {
            ctx.response().putHeader("Cache-Control", "no-store");
        }
        if (!queryDecodes(ctx)) {
            refusal.refuse(ctx, new ApiProblem(400, "invalid-query", "Invalid query string", "The query string has a malformed percent-escape "
                    + "(% must be followed by two hex digits, encoding UTF-8); nothing was done.", "query", Map.of()), "invalid-query");
            return;
        }
        ApiProblem framing = RequestFraming.framingProblem(request);
        if (framing != null) {
            refusal.refuse(ctx, framing, framing.slug());
            return;
        }
        chunked.closeAfterAnswerIfChunked(ctx);
        Callable<ApiResponse> probe = anonymousProbes.get(path);
        if (probe != null) {
            if (request.method() == HttpMethod.GET && request.getHeader("Authorization") == null && answerHealth(ctx, probe)) {
                return;
            }
            ctx.next(); // never counted, never refused
            return;
        }
        long length = ApiEndpoint.declaredLength(request.getHeader("Content-Length"));
        if (length > maxBodyBytes) {
            refusal.refuse(ctx, ApiEndpoint.bodyTooLarge(maxBodyBytes), "body-too-large");
            return;
        }
        if (notCounted.contains(path)) {
            ctx.next();
            return;
        }
        HeaderAuthentication check = beforeBody;
        boolean hasBody = RequestFraming.hasBody(request);
        ApiProblem coded = hasBody ? RequestFraming.unsupportedCoding(request) : null;
        if (coded != null) { // like the 413 above: refused from the headers, the body unread
            refusal.refuse(ctx, coded, "unsupported-content-encoding");
            return;
        }
        // Without a body, only a request that brings a credential is checked here: a wrong one (keys guessed in a loop,
        // each waiting for a reload of the keys) is refused without holding a slot; none at all the route refuses at once.
        if (check != null && (hasBody || request.getHeader("Authorization") != null) && routed.test(path, request.method().name())) {
            checkThenAdmit(ctx, check, hasBody);
            return;
        }
        admit(ctx, false); // no body to wait for: the route checks the credential at once
    }

    /**
     * The credential from the headers; the body waits, unread. A request without an {@code Authorization} header is decided
     * here on the event loop (nothing in that check can block: no credential, a signed body, or none needed), and so is
     * one whose credential memory alone accepts ({@link HeaderAuthentication#acceptedFromMemory}); any other with it
     * on the edge's own worker threads, which a hung store holding every request thread does not block (a key seen for
     * the first time may read the store, an OIDC token the identity provider's keys).
     */
    private void checkThenAdmit(RoutingContext ctx, HeaderAuthentication check, boolean hasBody) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        String method = request.method().name();
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
        if (!headers.containsKey("Authorization")) {
            decided(ctx, check.check(path, method, headers), hasBody);
            return;
        }
        if (check.acceptedFromMemory(path, method, headers)) {
            // The common case (a sender whose token or key the gateway holds): no hop to a check thread and back, and
            // callers the store must be asked about (unknown keys, a hung store) cannot queue a known caller behind them.
            admit(ctx, false);
            return;
        }
        request.pause(); // the route's body handler resumes it (also the end of a request without a body, which it awaits)
        credentialChecks.executeBlocking(() -> check.check(path, method, headers), false).onComplete(checked -> {
            if (ctx.response().closed() || ctx.response().ended()) {
                return; // the sender left, or the read timeout cut it, meanwhile: nothing was taken
            }
            if (checked.failed()) {
                refusal.refuse(ctx, problems.toProblem(checked.cause()), "credential");
            } else {
                decided(ctx, checked.result(), hasBody);
            }
        });
    }

    /** The metric's reason: a name no webhook source has (or one that is off) is not a bad credential. */
    private static String refusalReason(ApiProblem problem) {
        return problem.status() == 404 ? "not-found" : "credential";
    }

    /** @param hasBody whether a body is to come: only then can a sender the headers cannot tell hold a slot while it trickles */
    private void decided(RoutingContext ctx, HeaderAuthentication.Verdict verdict, boolean hasBody) {
        if (verdict instanceof HeaderAuthentication.Refused refused) {
            refusal.refuse(ctx, refused.problem(), refusalReason(refused.problem()));
        } else {
            admit(ctx, hasBody && verdict instanceof HeaderAuthentication.BodyNeeded);
        }
    }

    /** @param unknownSender the sender is known only from the body: also a slot of the smaller budget */
    private void admit(RoutingContext ctx, boolean unknownSender) {
        if (unknownSender && unauthenticated.incrementAndGet() > maxUnauthenticated) {
            unauthenticated.decrementAndGet();
            refusal.refuse(ctx, overloaded(maxUnauthenticated + " of them, a quarter of GATEWAY_MAX_INFLIGHT, for requests whose sender only "
                    + "the body can tell"), "inflight-unauthenticated");
            return;
        }
        if (inflight.incrementAndGet() > maxInflight) {
            inflight.decrementAndGet();
            if (unknownSender) {
                unauthenticated.decrementAndGet();
            }
            refusal.refuse(ctx, overloaded(maxInflight + ", GATEWAY_MAX_INFLIGHT"), "inflight");
            return;
        }
        ctx.addEndHandler(done -> { // on the answer, an error or the connection's close
            inflight.decrementAndGet();
            if (unknownSender) {
                unauthenticated.decrementAndGet();
            }
        });
        ctx.next();
    }

    private static ApiProblem overloaded(String limit) {
        return new ApiProblem(503, "overloaded", "Overloaded", "The gateway is serving its most requests at once (" + limit
                + "); nothing was done. Retry shortly.", null, Map.of("Retry-After", "1"));
    }

    void exemptFromInflight(String path) {
        notCounted.add(path);
    }

    /**
     * Failure handler: a 413 is Vert.x's body handler refusing a body (sent without length) once it passed the limit,
     * a 417 its refusal of an {@code Expect} it does not know (it answered plain text); each becomes problem+json and
     * the rest of the body is not read. A connection closed before the body was in (the
     * read timeout cut a stalled sender, or the sender hung up) leaves nobody to answer and is the sender's trouble:
     * Vert.x's handling would log it as an ERROR with a stack trace, so it ends here (the cuts are counted in
     * {@code gateway.http.connections.cut}); so is a body whose chunks Netty's decoder refused. Other failures go on to
     * Vert.x's handling.
     */
    void onFailure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            refusal.refuse(ctx, ApiEndpoint.bodyTooLarge(maxBodyBytes), "body-too-large");
        } else if (ctx.statusCode() == 417) { // the body handler's refusal of an Expect other than 100-continue
            refusal.refuse(ctx, RequestFraming.expectationFailed(), "expectation-failed");
        } else if (ctx.failure() instanceof HttpClosedException) {
            LOG.debug("{} {}: the connection closed before the request was read", ctx.request().method(), ctx.request().path());
        } else if (RequestFraming.undecodableBody(ctx.failure())) {
            // The sender's malformed request: counted, and not an ERROR with a stack trace per request (Vert.x's handling),
            // which a stranger could fill the log with. Vert.x closes the connection on a decoder failure, mostly before
            // the answer can be written.
            LOG.debug("{} {}: the body's chunks are not valid HTTP/1.1", ctx.request().method(), ctx.request().path(), ctx.failure());
            refusal.refuse(ctx, MalformedRequests.malformed("The request's chunked body is not valid HTTP/1.1 ("
                    + MalformedRequests.withoutValue(String.valueOf(ctx.failure().getMessage())) + "); nothing was stored.", null),
                    "malformed-request");
        } else {
            ctx.next();
        }
    }

    /**
     * Whether the query string decodes. Vert.x decodes it when a route first reads a parameter (Camel's consumer does,
     * for every request) and a malformed escape then fails the request with an ERROR and a stack trace in the log and a
     * plain-text 400; decoded here first (Vert.x keeps the result, so the route does not decode it again).
     */
    private static boolean queryDecodes(RoutingContext ctx) {
        if (ctx.request().query() == null) {
            return true;
        }
        try {
            ctx.queryParams();
            return true;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private boolean answerHealth(RoutingContext ctx, Callable<ApiResponse> probe) {
        ApiResponse health;
        try {
            health = probe.call(); // reads cached state only: safe on the event loop; null: not answered here
        } catch (Exception e) {
            LOG.debug("{} on the event loop failed; the Camel route answers instead", ctx.request().path(), e);
            return false;
        }
        if (health == null) {
            return false;
        }
        HttpServerResponse response = ctx.response().setStatusCode(health.status()).putHeader("Content-Type", health.contentType());
        health.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(health.body()));
        return true;
    }
}
