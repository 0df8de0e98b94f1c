package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpUtils;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.Map;

/**
 * Problem+json answers for requests the server's router cannot take: a path with a malformed percent-escape (such as
 * {@code /INC-%zz}) or a target that is not a path (such as {@code OPTIONS *}), answered in front of the router, which
 * would answer a plain-text {@code Bad Request} or an HTML page and is Camel's (not reachable to add an error handler
 * to), by wrapping the server's request handler ({@link ServerHookVertx}); an HTTP/1.1 request without a valid
 * {@code Host}, which the router refuses with a plain-text 400 and an ERROR line in the log for each one (a stranger
 * could fill the log); and requests Netty's decoder refused (a request line or headers over Vert.x's limits, a
 * {@code Content-Length} that is not a number), which Vert.x answers with an empty 414, 431 or 400.
 */
final class MalformedRequests {
    private final ProblemMapper problems;
    private final MeterRegistry meters;

    MalformedRequests(ProblemMapper problems, MeterRegistry meters) {
        this.problems = problems;
        this.meters = meters;
    }

    /** {@code next}, reached only by requests whose path the router can match. */
    Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
        return request -> {
            if (lacksValidHost(request)) {
                refuseMalformed(request, malformed("An HTTP/1.1 request needs one Host header holding a host name or "
                        + "address and an optional port (RFC 9112, section 3.2); nothing was done.", "Host"));
                return;
            }
            String problem = problem(request.path());
            if (problem == null) {
                next.handle(request);
                return;
            }
            meters.counter("gateway.http.refused", "reason", "invalid-path").increment();
            ApiProblem refusal = new ApiProblem(400, "invalid-path", "Invalid request path", problem + "; nothing was done.",
                    "path", Map.of());
            ProblemResponses.end(request.response(), refusal, problems.render(refusal, String.valueOf(request.uri())));
        };
    }

    /**
     * Whether the router would refuse {@code request} for its authority (its own test, RoutingContextImpl, vertx-web 4.5),
     * or it names more than one host: the router takes the first Host line, while a proxy in front may have routed or
     * checked it by the other, so RFC 9112 §3.2 makes such a request a 400 (HTTP/1.0 too: it must not have two either).
     */
    private static boolean lacksValidHost(HttpServerRequest request) {
        if (request.headers().getAll("Host").size() > 1) {
            return true;
        }
        return request.version() != HttpVersion.HTTP_1_0 && request instanceof HttpServerRequestInternal internal
                && !internal.isValidAuthority();
    }

    /** The server's handler of requests its decoder refused: the status Vert.x would send, as problem+json. */
    void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ApiProblem problem;
        if (cause instanceof TooLongHttpLineException) {
            problem = new ApiProblem(414, "uri-too-long", "Request line too long", "The request line is longer than the server "
                    + "takes (4096 bytes).", null, Map.of());
        } else if (cause instanceof TooLongHttpHeaderException) {
            problem = new ApiProblem(431, "headers-too-large", "Request headers too large", "The request's headers are larger "
                    + "than the server takes (8192 bytes).", null, Map.of());
        } else {
            problem = malformed("The request is not valid HTTP/1.1"
                    + (cause == null || cause.getMessage() == null ? "" : " (" + withoutValue(cause.getMessage()) + ")") + ".", null);
        }
        refuseMalformed(request, problem);
    }

    /** The 400 for a request that is not well-formed HTTP; {@code field} names the header at fault, or is null. */
    static ApiProblem malformed(String detail, String field) {
        return new ApiProblem(400, "malformed-request", "Malformed HTTP request", detail, field, Map.of());
    }

    /** Counts and answers a request that is not well-formed HTTP, closing its connection once the answer is written. */
    private void refuseMalformed(HttpServerRequest request, ApiProblem problem) {
        meters.counter("gateway.http.refused", "reason", "malformed-request").increment();
        request.response().putHeader("Connection", "close");
        // Closed here once the answer is written: Vert.x closes the connection after a request its decoder refused, but
        // not after one it parsed (a bad Host), whose connection would serve whatever was pipelined behind it.
        ProblemResponses.end(request.response(), problem, problems.render(problem, "/")).onComplete(written -> request.connection().close());
    }

    /**
     * The decoder's reason without the header value it quotes after a colon ("a header value contains a prohibited
     * character '\u0001': Bearer igw_…"): that value may be the caller's credential, and an answer never echoes a
     * request header (nor may a proxy that logs error answers ever see it).
     */
    static String withoutValue(String reason) {
        int colon = reason.indexOf(':');
        String kept = colon < 0 ? reason : reason.substring(0, colon);
        return kept.length() > 200 ? kept.substring(0, 200) + "…" : kept;
    }

    /** Why the router cannot take {@code path}, or {@code null} if it can. */
    static String problem(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "The request target must be a path starting with /";
        }
        if (path.indexOf('%') < 0) {
            return null; // nothing to decode: the common case costs one scan
        }
        try {
            HttpUtils.normalizePath(path); // what the router does first with every path
            return null;
        } catch (IllegalArgumentException malformed) {
            return "The path has a malformed percent-escape (% must be followed by two hex digits)";
        }
    }
}
