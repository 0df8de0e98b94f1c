package dev.incidentgateway.api;

import dev.incidentgateway.security.RouteAccessPolicy;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The query parameters each {@code /api/v1} route reads, in one table, and the check that refuses any other by name.
 * A parameter the gateway does not read would otherwise be dropped silently, and a misspelt filter
 * ({@code ?stauts=closed}, {@code ?incidnet=INC-2}) answers the unfiltered list as if it were the filtered one. The
 * check runs before the handler, after the credential (a caller without one learns nothing about the parameters):
 * for the Camel routes in {@link ApiAuthPolicyFactory}'s route policy, for the live stream in its own handler.
 *
 * <p>Keys are a method and a path template as {@link RouteAccessPolicy#normalize} spells it. A route under
 * {@code /api/v1} the table does not know (an operator's own YAML route) is not checked: what it reads is its own.
 * A {@code GET} route's entry also covers {@code HEAD}, which platform-http answers through the same route.
 */
public final class QueryParameters {
    /** An unknown name is quoted back at most this long: a request line may hold 4 KiB of it. */
    private static final int MAX_QUOTED_NAME = 100;

    private static final Map<String, List<String>> TAKES = Map.ofEntries(
            route("POST", "/api/v1/incidents"),
            route("GET", "/api/v1/incidents", "status", "severity", "limit"),
            route("GET", "/api/v1/incidents/{}"),
            route("POST", "/api/v1/incidents/{}/events"),
            route("GET", "/api/v1/incidents/{}/timeline", "after", "limit"),
            route("GET", "/api/v1/incidents/{}/verify"),
            route("GET", "/api/v1/incidents/{}/sla"),
            route("GET", "/api/v1/events", "after", "limit"),
            route("GET", "/api/v1/stream", "incident", "types", "after"),
            route("GET", "/api/v1/sla", "incident"),
            route("GET", "/api/v1/reports/sla", "from", "to"),
            route("GET", "/api/v1/sources"),
            route("GET", "/api/v1/stats"),
            route("GET", "/api/v1/audit/checkpoint"),
            route("GET", "/api/v1/whoami"),
            route("GET", "/api/v1/openapi.yaml"),
            route("GET", "/api/v1/openapi.json"),
            route("GET", "/api/v1/outbox", "connector", "status", "after", "limit"),
            route("POST", "/api/v1/outbox/{}/replay"),
            route("POST", "/api/v1/outbox/replay", "connector", "incident", "since", "until", "deadReason"),
            route("POST", "/api/v1/outbox/{}/skip"));

    private QueryParameters() {
    }

    private static Map.Entry<String, List<String>> route(String method, String template, String... parameters) {
        return Map.entry(key(method, template), List.of(parameters));
    }

    private static String key(String method, String template) {
        return ("HEAD".equals(method) ? "GET" : method) + " " + RouteAccessPolicy.normalize(template);
    }

    /** The parameters the route of {@code method} and {@code pathTemplate} takes; {@code null} when it is not the gateway's. */
    public static List<String> accepted(String method, String pathTemplate) {
        return TAKES.get(key(method, pathTemplate));
    }

    /** Throws a 400 naming the first of {@code given} the route does not take, with the ones it does take. */
    public static void check(String method, String pathTemplate, Collection<String> given) {
        List<String> accepted = accepted(method, pathTemplate);
        if (accepted == null) {
            return;
        }
        for (String name : given) {
            if (!accepted.contains(name)) {
                throw unknown(name, method + " " + pathTemplate, accepted);
            }
        }
    }

    static ApiProblem unknown(String name, String route, List<String> accepted) {
        String quoted = name.length() > MAX_QUOTED_NAME ? name.substring(0, MAX_QUOTED_NAME) + "…" : name;
        String takes = accepted.isEmpty() ? "it takes no query parameters" : "it takes " + String.join(", ", accepted);
        return ApiProblem.invalidField(quoted, "'" + quoted + "' is not a query parameter of " + route + "; " + takes)
                .withExtras(Map.of("acceptedParameters", accepted));
    }
}
