package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the HTTP server answers when no route takes a request, instead of Vert.x's defaults (an HTML page for 404, an
 * empty 405 with an empty {@code Allow}): RFC 9457 problem+json like every other error, and for 405 the methods the
 * path does take ({@code Allow}, RFC 9110 §15.5.6). Vert.x keeps the methods it saw for the path to itself, so they are
 * found here from the router's routes (those with a path and methods): a path template's {@code :name} segment matches any one segment, a trailing
 * {@code *} any rest.
 */
final class UnmatchedRequests {
    private final Router router;
    private final ProblemMapper problems;
    private final ApiAuthPolicyFactory auth;

    private UnmatchedRequests(Router router, ProblemMapper problems, ApiAuthPolicyFactory auth) {
        this.router = router;
        this.problems = problems;
        this.auth = auth;
    }

    /**
     * Adds the last route of {@code router}: it is reached only by requests no other route took. (Camel's router is a
     * sub-router of a server router it keeps to itself, so Vert.x's own 404/405 handling is out of reach.)
     */
    static UnmatchedRequests install(Router router, ProblemMapper problems, ApiAuthPolicyFactory auth) {
        UnmatchedRequests answers = new UnmatchedRequests(router, problems, auth);
        router.route().last().handler(answers::unmatchedAfterCredential);
        return answers;
    }

    /** {@code /api/v1/…} and {@code /metrics}: a caller without a valid credential gets the API's 401 (or 503, 429). */
    private void unmatchedAfterCredential(RoutingContext ctx) {
        String path = ctx.normalizedPath(); // the router's: //api/v1/x is under /api/v1 as much as /api/v1/x is
        boolean protectedPath = path.equals("/api/v1") || path.startsWith("/api/v1/") || path.startsWith("/metrics");
        if (auth == null || !protectedPath) {
            unmatched(ctx);
            return;
        }
        String authorization = ctx.request().getHeader("Authorization");
        // decide() may read the store (a key seen for the first time): off the event loop, like the live stream's check.
        ctx.vertx().executeBlocking(() -> auth.decide(path, "GET", authorization), false).onComplete(decided -> {
            if (decided.succeeded() && decided.result().principal() == null && decided.result().refusal() != null) {
                answer(ctx, decided.result().refusal());
            } else {
                unmatched(ctx); // authenticated (whatever its scopes): it may learn that the path does not exist
            }
        });
    }

    private void unmatched(RoutingContext ctx) {
        Set<String> allowed = allowed(ctx.normalizedPath());
        if (allowed.isEmpty()) {
            notFound(ctx);
        } else {
            methodNotAllowed(ctx, allowed);
        }
    }

    private void notFound(RoutingContext ctx) {
        answer(ctx, new ApiProblem(404, "not-found", "Not found", "No resource at " + ctx.request().path()
                + "; the API is under /api/v1 (see GET /api/v1/sources for the webhook paths)."));
    }

    /** @param allowed the methods the path takes (not empty) */
    private void methodNotAllowed(RoutingContext ctx, Set<String> allowed) {
        String methods = String.join(", ", allowed);
        answer(ctx, new ApiProblem(405, "method-not-allowed", "Method not allowed", ctx.request().method() + " is not served at "
                + ctx.request().path() + "; it takes " + methods + ".", null, Map.of("Allow", methods)));
    }

    private void answer(RoutingContext ctx, ApiProblem problem) {
        if (ctx.response().ended()) {
            return;
        }
        ProblemResponses.end(ctx.response(), problem, problems.render(problem, ctx.request().path()));
    }

    /** The methods of the routes whose path matches {@code path} (HEAD wherever GET is: the edge serves HEAD as GET). */
    Set<String> allowed(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (takesPath(route, path)) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        if (methods.contains(HttpMethod.GET.name())) {
            methods.add(HttpMethod.HEAD.name());
        }
        return methods;
    }

    /**
     * Whether a route takes {@code method} at {@code path}: {@code allowed(path).contains(method)}, but without building
     * the set, stopping at the first route that takes it. The edge asks this of every request with a body or a
     * credential (EdgeGuard), on the event loop: splitting every route's template and the path for each one was most of
     * the event loop's allocation per webhook (≈ 220 KB of ≈ 245 KB, JFR, bench/webhook.sh, session 36).
     */
    boolean takes(String path, String method) {
        boolean head = HttpMethod.HEAD.name().equals(method);
        for (Route route : router.getRoutes()) {
            if (takesPath(route, path)) {
                for (HttpMethod m : route.methods()) {
                    if (m.name().equals(method) || head && m == HttpMethod.GET) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean takesPath(Route route, String path) {
        String template = route.getPath();
        return template != null && route.methods() != null && !route.methods().isEmpty() && matches(template, path);
    }

    /**
     * Whether {@code path} fits the route template, segment by segment ({@code :name} any one non-empty segment, a
     * trailing {@code *} segment any rest, even none), without splitting either string.
     */
    static boolean matches(String template, String path) {
        boolean rest = template.endsWith("*");
        int t = 0; // start of the template's current segment
        int p = 0; // start of the path's current segment; past its end once the path has no segment left
        while (true) {
            int tEnd = segmentEnd(template, t);
            boolean lastOfTemplate = tEnd == template.length();
            if (rest && lastOfTemplate) {
                return true;
            }
            if (p > path.length()) {
                return false; // the template has more segments than the path
            }
            int pEnd = segmentEnd(path, p);
            boolean parameter = tEnd > t && template.charAt(t) == ':';
            if (parameter ? pEnd == p : tEnd - t != pEnd - p || !template.regionMatches(t, path, p, tEnd - t)) {
                return false;
            }
            if (lastOfTemplate) {
                return pEnd == path.length(); // and the path none either
            }
            t = tEnd + 1;
            p = pEnd + 1;
        }
    }

    private static int segmentEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }
}
