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
        String path = ctx.request().path();
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
        Set<String> allowed = allowed(ctx.request().path());
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
            String template = route.getPath();
            if (template != null && route.methods() != null && !route.methods().isEmpty() && matches(template, path)) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        if (methods.contains(HttpMethod.GET.name())) {
            methods.add(HttpMethod.HEAD.name());
        }
        return methods;
    }

    static boolean matches(String template, String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        boolean rest = template.endsWith("*");
        if (rest ? got.length < want.length - 1 : got.length != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (rest && i == want.length - 1) {
                return true;
            }
            if (!want[i].startsWith(":") && !want[i].equals(got[i])) {
                return false;
            }
            if (want[i].startsWith(":") && got[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
