package dev.incidentgateway.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call an HTTP route, decided from the route's endpoint (its path template and HTTP method), never
 * from the raw request path. Every route gets an answer: routes not in the explicit table (a new endpoint,
 * an operator's YAML route) need {@code read} for GET/HEAD and {@code admin} for anything else, so nothing
 * ships open by accident.
 */
public final class RouteAccessPolicy {
    /** What a route requires. */
    public sealed interface Access {
    }

    /** Open to anyone; a valid credential, if sent, is still recognized ({@code /health} shows details to {@code read}). */
    public record Open() implements Access {
    }

    /**
     * Not authenticated here: the route checks its own secret (each webhook source in WebhookSteps#authenticate). Only
     * the shipped webhook intake may be trusted with it: the table says it for {@code POST /webhooks/<source>}, which
     * the HTTP edge asks before a route is picked, because the start refuses any other route under {@code /webhooks/}
     * (HttpPathClashes); the route policy grants it only to the intake itself (api/RouteAccess).
     */
    public record SelfAuthenticated() implements Access {
    }

    /** A credential holding {@code scope}. */
    public record Requires(Scope scope) implements Access {
    }

    /** An entry of the explicit table; {@code method} null means any method. */
    private record Rule(String method, String template, boolean prefix, Access access) {
        boolean matches(String m, String t) {
            return (method == null || method.equals(m)) && (prefix ? t.startsWith(template) : sameSegments(template, t));
        }
    }

    /**
     * {@code {}} in a template matches one segment: the segment {@code {}} of another template, or a request path's
     * segment ({@code /api/v1/incidents/INC-1/events}), so the edge can ask before a route has been picked.
     */
    private static boolean sameSegments(String template, String t) {
        if (!template.contains("{}")) {
            return t.equals(template);
        }
        String[] want = template.split("/", -1);
        String[] got = t.split("/", -1);
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i].equals("{}") ? got[i].isEmpty() : !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

    /** First match wins; path parameters are compared as {@code {}} whatever their names. */
    private static final List<Rule> TABLE = List.of(
            new Rule("GET", "/health", false, new Open()),
            new Rule("HEAD", "/health", false, new Open()),
            new Rule("GET", "/health/ready", false, new Open()),
            new Rule("HEAD", "/health/ready", false, new Open()),
            new Rule("GET", "/health/live", false, new Open()),
            new Rule("HEAD", "/health/live", false, new Open()),
            // The operator console's page and files (issue 12): no data in them; every API call carries the key.
            new Rule("GET", "/", false, new Open()),
            new Rule("GET", "/console/{}", false, new Open()),
            new Rule("POST", "/webhooks/{}", false, new SelfAuthenticated()),
            new Rule("GET", "/metrics", false, new Requires(Scope.METRICS)),
            new Rule("POST", "/api/v1/incidents", false, new Requires(Scope.WRITE)),
            new Rule("POST", "/api/v1/incidents/{}/events", false, new Requires(Scope.WRITE)),
            new Rule("POST", "/api/v1/outbox/{}/replay", false, new Requires(Scope.OPERATE)),
            new Rule("POST", "/api/v1/outbox/replay", false, new Requires(Scope.OPERATE)),
            new Rule("POST", "/api/v1/outbox/{}/skip", false, new Requires(Scope.OPERATE)),
            new Rule("GET", "/api/v1/", true, new Requires(Scope.READ)),
            new Rule("HEAD", "/api/v1/", true, new Requires(Scope.READ)));

    /** A path parameter of a route template; compiled once (every request to a Camel route asks {@link #access}). */
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^}/]*}");

    private RouteAccessPolicy() {
    }

    /**
     * What a request with {@code method} to the route of {@code pathTemplate} requires; a request's own path gives the
     * same answer as its route's template.
     */
    public static Access access(String pathTemplate, String method) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        String t = normalize(pathTemplate);
        for (Rule rule : TABLE) {
            if (rule.matches(m, t)) {
                return rule.access();
            }
        }
        return byDefault(m);
    }

    /** What a route not in the table requires: {@code read} for GET/HEAD, {@code admin} for anything else. */
    public static Requires byDefault(String method) {
        return new Requires(READ_METHODS.contains(method == null ? "" : method.toUpperCase(Locale.ROOT)) ? Scope.READ : Scope.ADMIN);
    }

    /** True when the explicit table (rather than the default) decides this route and method. */
    public static boolean isExplicit(String pathTemplate, String method) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        String t = normalize(pathTemplate);
        return TABLE.stream().anyMatch(r -> r.matches(m, t));
    }

    /** {@code /api/v1/incidents/{id}/events} → {@code /api/v1/incidents/{}/events}; a trailing slash dropped. */
    public static String normalize(String template) {
        String t = template == null ? "/" : PATH_PARAMETER.matcher(template).replaceAll("{}");
        if (!t.startsWith("/")) {
            t = "/" + t;
        }
        return t.length() > 1 && t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
