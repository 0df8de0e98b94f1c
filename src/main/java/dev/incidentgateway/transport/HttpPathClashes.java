package dev.incidentgateway.transport;

import dev.incidentgateway.config.RouteFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Two HTTP routes on one path and method: the HTTP server hands every request to the first one registered, so the
 * other never answers, and nothing says so (an operator's route on {@code /api/v1/incidents} was taken and ignored).
 * Found once the routes have started, from their platform-http endpoints; the start then ends as bad configuration
 * naming both routes. Path parameters count as the same segment whatever their names ({@code {id}}, {@code {key}}), and
 * as any literal segment: a route on {@code /webhooks/alertmanager} clashes with the shipped {@code /webhooks/{source}}.
 *
 * <p>{@code /webhooks/} is the shipped webhook intake's alone, whatever the method: the HTTP edge leaves
 * {@code POST /webhooks/<source>} to the source's own secret before a route is picked, and another route there would
 * be reached without an API credential. A webhook source of one's own is a connector descriptor, not a route.
 */
public final class HttpPathClashes {
    private static final String WEBHOOKS = "/webhooks/";

    private HttpPathClashes() {
    }

    /**
     * The first clash among {@code context}'s routes, worded for the operator; empty when every path and method has one route.
     *
     * @param routeFiles the file a route was loaded from (empty for a route built in Java)
     */
    public static Optional<String> find(CamelContext context, Function<String, Optional<String>> routeFiles) {
        List<Served> served = new ArrayList<>();
        Optional<String> underWebhooks = underWebhooks(context, routeFiles);
        if (underWebhooks.isPresent()) {
            return underWebhooks;
        }
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http) {
                Served s = new Served(route.getRouteId(), http.getPath().replaceAll("\\{[^}/]*}", "{}"), http.getPath(), methods(http));
                for (Served other : served) {
                    Set<String> both = overlap(s.methods(), other.methods());
                    if (samePath(s.path(), other.path()) && !both.isEmpty()) {
                        return Optional.of("Invalid route: routes '" + other.routeId() + "'" + where(other.routeId(), routeFiles) + " and '"
                                + s.routeId() + "'" + where(s.routeId(), routeFiles) + " both take " + String.join(",", both) + " "
                                + http.getPath() + (other.path().equals(s.path()) ? "" : " (as " + other.rawPath() + ")") + ": only one of them would ever answer; give one of them another path");
                    }
                }
                served.add(s);
            }
        }
        return Optional.empty();
    }

    /** The first route under {@code /webhooks/} other than the shipped intake, worded for the operator. */
    private static Optional<String> underWebhooks(CamelContext context, Function<String, Optional<String>> routeFiles) {
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && http.getPath().startsWith(WEBHOOKS)
                    && !RouteFiles.isWebhookIntake(route.getRouteId(), routeFiles.apply(route.getRouteId()))) {
                Set<String> methods = methods(http);
                return Optional.of("Invalid route: route '" + route.getRouteId() + "'" + where(route.getRouteId(), routeFiles) + " takes " + (methods.isEmpty() ? "every method"
                        : String.join(",", methods)) + " " + http.getPath() + ": " + WEBHOOKS + " is the webhook sources' "
                        + "(POST /webhooks/{source}, each checked by its own secret, not an API credential); declare a source in "
                        + "connectors/<source>.yaml, or give the route another path");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether one request path can reach both: the same path, or a literal segment where the other has a parameter
     * ({@code /webhooks/alertmanager} and {@code /webhooks/{source}}, {@code /console/leak} and {@code /console/{file}}):
     * the router hands it to whichever route registered first, so one of them never sees it.
     */
    static boolean samePath(String a, String b) {
        String[] as = a.split("/", -1);
        String[] bs = b.split("/", -1);
        if (as.length != bs.length) {
            return false;
        }
        for (int i = 0; i < as.length; i++) {
            if (!as[i].equals(bs[i]) && !as[i].equals("{}") && !bs[i].equals("{}")) {
                return false;
            }
        }
        return true;
    }

    private record Served(String routeId, String path, String rawPath, Set<String> methods) {
    }

    /** The methods a route takes; empty: all of them. */
    private static Set<String> methods(PlatformHttpEndpoint http) {
        String restrict = http.getHttpMethodRestrict();
        return restrict == null || restrict.isBlank() ? Set.of() : Arrays.stream(restrict.split(","))
                .map(m -> m.strip().toUpperCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> overlap(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            Set<String> named = a.isEmpty() ? b : a;
            return named.isEmpty() ? Set.of("every method") : named;
        }
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        return both;
    }

    private static String where(String routeId, Function<String, Optional<String>> routeFiles) {
        return routeFiles.apply(routeId).map(file -> " (" + file + ")").orElse(" (built in)");
    }
}
