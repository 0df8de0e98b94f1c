package dev.incidentgateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.URISupport;

import java.util.ArrayList;
import java.util.List;

import java.util.Optional;
import java.util.function.Function;

/**
 * Recognizes, among the failures of Camel's start, a route file that cannot be loaded (YAML that does not parse, an
 * unknown step, a component that is not there, an endpoint with bad options, e.g. {@code timeline:outbox} without
 * {@code connector=}): bad configuration, answered like any other (exit 2 and the message, which names the file and
 * the line), not as a crash with a stack trace.
 */
public final class RouteLoadFailure {
    /** Camel's words for a second consumer of an endpoint that takes one (DefaultRoute's start check). */
    private static final String MULTIPLE_CONSUMERS = "Multiple consumers for the same endpoint";

    private RouteLoadFailure() {
    }

    /**
     * The operator's message for {@code failure} when it is a route that cannot be loaded; empty for anything else.
     *
     * @param routeFiles the file a route id was loaded from, if known (a step's failure names the route, not the file)
     */
    public static Optional<String> describe(Throwable failure, Function<String, Optional<String>> routeFiles) {
        return describe(failure, routeFiles, null);
    }

    /**
     * {@link #describe(Throwable, Function)}, and two routes consuming one endpoint ({@code timeline:outbox?connector=X}
     * twice or the connector's own, one {@code timeline:events?consumer=}, the console's {@code platform-http:/}), which
     * Camel refuses only while starting them: named by both routes and their files, from {@code context}'s routes.
     */
    public static Optional<String> describe(Throwable failure, Function<String, Optional<String>> routeFiles, CamelContext context) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToStartRouteException failed && context != null && t.getMessage() != null
                    && t.getMessage().contains(MULTIPLE_CONSUMERS)) {
                return Optional.of(sharedConsumer(failed, context, routeFiles));
            }
            if (t instanceof FailedToCreateRouteException failed) {
                String file = failed.getRouteId() == null ? null : routeFiles.apply(failed.getRouteId()).orElse(null);
                return Optional.of("Invalid route: " + t.getMessage()
                        + (file == null || t.getMessage().contains(file) ? "" : " (in " + file + ")"));
            }
            String type = t.getClass().getName();
            if (type.startsWith("org.apache.camel.dsl.yaml.") || type.startsWith("org.snakeyaml.")) {
                String before = t == failure || failure.getMessage() == null ? "" : failure.getMessage() + ": ";
                return Optional.of("Invalid route: " + before + t.getMessage().strip());
            }
        }
        return Optional.empty();
    }

    /**
     * Camel has removed the routes by the time the failure reaches us, so the routes are found in the model by the
     * endpoint the message names, each URI normalized as Camel does for its endpoint registry.
     */
    private static String sharedConsumer(FailedToStartRouteException failed, CamelContext context,
                                         Function<String, Optional<String>> routeFiles) {
        String message = failed.getMessage();
        int at = message.indexOf(MULTIPLE_CONSUMERS);
        String uri = message.substring(message.indexOf(':', at) + 1).strip();
        String key = normalized(uri);
        List<String> routes = new ArrayList<>();
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            if (route.getInput() != null && key.equals(normalized(route.getInput().getEndpointUri()))) {
                routes.add("'" + route.getRouteId() + "' (" + routeFiles.apply(route.getRouteId()).orElse("built in") + ")");
            }
        }
        if (routes.size() < 2 && failed.getRouteId() != null) {
            routes.add("'" + failed.getRouteId() + "'" + routeFiles.apply(failed.getRouteId()).map(f -> " (" + f + ")").orElse(""));
        }
        return "Invalid route: routes " + String.join(" and ", new java.util.LinkedHashSet<>(routes)) + " both consume " + uri
                + ": an endpoint has one consumer; give one of them another " + (uri.startsWith("platform-http:") ? "path"
                : uri.startsWith("timeline:") && uri.contains("consumer=") ? "consumer= name" : "connector= name (a target of its own)");
    }

    private static String normalized(String uri) {
        try {
            return URISupport.normalizeUri(uri.replaceFirst("^([a-z0-9+.-]+):(?!//)", "$1://"));
        } catch (Exception e) {
            return uri;
        }
    }
}
