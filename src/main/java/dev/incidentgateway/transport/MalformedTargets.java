package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpUtils;

import java.util.Map;

/**
 * Answers a request whose path Vert.x's router cannot take (a malformed percent-escape such as {@code /INC-%zz}, or a
 * target that is not a path, such as {@code OPTIONS *}) with problem+json, in front of the server's router. The router
 * itself would answer a plain-text {@code Bad Request} or an HTML page, and it is Camel's (not reachable to add an error
 * handler to), so this check wraps the server's request handler ({@link ServerHookVertx}).
 */
final class MalformedTargets {
    private final ProblemMapper problems;
    private final MeterRegistry meters;

    MalformedTargets(ProblemMapper problems, MeterRegistry meters) {
        this.problems = problems;
        this.meters = meters;
    }

    /** {@code next}, reached only by requests whose path the router can match. */
    Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
        return request -> {
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
