package dev.incidentgateway.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

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
        // Segment by segment in place (the edge and every route policy ask this for each request): no split arrays.
        int w = 0;
        int g = 0;
        while (true) {
            int wEnd = segmentEnd(template, w);
            int gEnd = segmentEnd(t, g);
            boolean parameter = wEnd - w == 2 && template.startsWith("{}", w);
            if (parameter ? gEnd == g : !(wEnd - w == gEnd - g && template.regionMatches(w, t, g, wEnd - w))) {
                return false;
            }
            boolean wLast = wEnd == template.length();
            boolean gLast = gEnd == t.length();
            if (wLast || gLast) {
                return wLast && gLast; // as many segments on both sides
            }
            w = wEnd + 1;
            g = gEnd + 1;
        }
    }

    private static int segmentEnd(String path, int from) {
        int slash = path.indexOf('/', from);
        return slash < 0 ? path.length() : slash;
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
        String t = template == null ? "/" : withEmptyParameters(template);
        if (!t.startsWith("/")) {
            t = "/" + t;
        }
        return t.length() > 1 && t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }

    /**
     * {@code template} with every match of {@code \{[^}/]*\}} replaced by {@code {}}. Written out rather than as that
     * regex: every request to a Camel route asks {@link #access}, and a Matcher with its state per request was a visible
     * share of the webhook route's allocation; a path without a parameter is returned as it is.
     */
    static String withEmptyParameters(String template) {
        int open = template.indexOf('{');
        if (open < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length());
        int copied = 0;
        while (open >= 0) {
            int end = open + 1;
            while (end < template.length() && template.charAt(end) != '}' && template.charAt(end) != '/') {
                end++;
            }
            if (end < template.length() && template.charAt(end) == '}') {
                out.append(template, copied, open).append("{}");
                copied = end + 1;
                open = template.indexOf('{', copied);
            } else {
                open = template.indexOf('{', open + 1); // no parameter starts here: a '/' or the end came first
            }
        }
        return out.append(template, copied, template.length()).toString();
    }
}
