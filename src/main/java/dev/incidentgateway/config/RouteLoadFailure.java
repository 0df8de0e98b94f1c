package dev.incidentgateway.config;

import org.apache.camel.FailedToCreateRouteException;

import java.util.Optional;
import java.util.function.Function;

/**
 * Recognizes, among the failures of Camel's start, a route file that cannot be loaded (YAML that does not parse, an
 * unknown step, a component that is not there, an endpoint with bad options, e.g. {@code timeline:outbox} without
 * {@code connector=}): bad configuration, answered like any other (exit 2 and the message, which names the file and
 * the line), not as a crash with a stack trace.
 */
public final class RouteLoadFailure {
    private RouteLoadFailure() {
    }

    /**
     * The operator's message for {@code failure} when it is a route that cannot be loaded; empty for anything else.
     *
     * @param routeFiles the file a route id was loaded from, if known (a step's failure names the route, not the file)
     */
    public static Optional<String> describe(Throwable failure, Function<String, Optional<String>> routeFiles) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException failed) {
                String file = failed.getRouteId() == null ? null : routeFiles.apply(failed.getRouteId()).orElse(null);
                return Optional.of("Invalid route: " + t.getMessage()
                        + (file == null || t.getMessage().contains(file) ? "" : " (in " + file + ")"));
            }
            String type = t.getClass().getName();
            if (type.startsWith("org.apache.camel.dsl.yaml.") || type.startsWith("org.snakeyaml.")) {
                String context = t == failure || failure.getMessage() == null ? "" : failure.getMessage() + ": ";
                return Optional.of("Invalid route: " + context + t.getMessage().strip());
            }
        }
        return Optional.empty();
    }
}
