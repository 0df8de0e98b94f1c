package dev.incidentgateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
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
    /** Camel's words for one route id in two routes (RouteDefinitionHelper); its message names the ids only. */
    private static final String DUPLICATE_IDS = "Duplicate route ids detected: ";

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
        return describe(failure, routeFiles, context, null);
    }

    /** {@link #describe(Throwable, Function, CamelContext)}; a route id used twice is named with the files under {@code routesDir}. */
    public static Optional<String> describe(Throwable failure, Function<String, Optional<String>> routeFiles, CamelContext context,
                                            Path routesDir) {
        Optional<String> badOption = badOption(failure, routeFiles, context);
        if (badOption.isPresent()) {
            return badOption;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToStartRouteException failed && context != null && t.getMessage() != null
                    && t.getMessage().contains(MULTIPLE_CONSUMERS)) {
                return Optional.of(sharedConsumer(failed, context, routeFiles));
            }
            if (context != null && t.getMessage() != null && t.getMessage().contains(DUPLICATE_IDS)) {
                return Optional.of(duplicateIds(t.getMessage(), context, routesDir));
            }
            if (t instanceof FailedToCreateRouteException failed) {
                Optional<RouteFaultLocation> at = RouteFaultLocation.of(failed.getRouteId(), failed, context);
                if (at.isPresent()) {
                    return Optional.of("Invalid route: route '" + failed.getRouteId() + "' (" + at.get().where() + "): "
                            + at.get().step() + ": " + innermostMessage(failed));
                }
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
     * A {@link RouteOptionException} of the gateway's own component, wherever Camel wrapped it (a property binding, the
     * endpoint's resolution, the route's creation or start): its message, once, with the route and its file. Before,
     * the operator read Camel's "Error binding property (principal=bob)" without the reason, or a start failure with a
     * stack trace (exit 1).
     */
    private static Optional<String> badOption(Throwable failure, Function<String, Optional<String>> routeFiles, CamelContext context) {
        String routeId = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (routeId == null && t instanceof FailedToCreateRouteException created) {
                routeId = created.getRouteId();
            } else if (routeId == null && t instanceof FailedToStartRouteException started) {
                routeId = started.getRouteId();
            }
            if (t instanceof RouteOptionException bad) {
                String id = routeId;
                String file = routeId == null ? null : RouteFaultLocation.of(routeId, failure, context).map(RouteFaultLocation::where)
                        .or(() -> routeFiles.apply(id)).orElse(null);
                return Optional.of("Invalid route: " + (routeId == null ? "" : "route '" + routeId + "'"
                        + (file == null ? "" : " (" + file + ")") + ": ") + bad.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The innermost cause's words, on one line: Camel's outer exceptions repeat them ("Failed to resolve endpoint: … due
     * to: Failed to resolve endpoint: … due to: …") after a dump of the whole route; the simple language's put the
     * expression and a caret on lines of their own.
     */
    private static String innermostMessage(Throwable failure) {
        String message = failure.getClass().getSimpleName();
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
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
        String key = RouteFaultLocation.normalized(uri);
        List<String> routes = new ArrayList<>();
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            if (route.getInput() != null && key.equals(RouteFaultLocation.normalized(route.getInput().getEndpointUri()))) {
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

    /**
     * Each duplicated id with every file and line that declares it. Camel's model keeps only the last route of an id, so
     * the files are read: those the model's routes came from and the operator's under {@code routesDir}.
     */
    private static String duplicateIds(String message, CamelContext context, Path routesDir) {
        String ids = message.substring(message.indexOf(DUPLICATE_IDS) + DUPLICATE_IDS.length()).replaceFirst("\\. .*$", "")
                .replaceFirst("\\.$", "");
        Set<String> files = new TreeSet<>();
        ((ModelCamelContext) context).getRouteDefinitions().stream().filter(r -> r.getResource() != null
                && r.getResource().getLocation().startsWith("file:")).forEach(r -> files.add(r.getResource().getLocation().substring(5)));
        if (routesDir != null) {
            RouteFiles.routesIn(routesDir).forEach(f -> files.add(f.toAbsolutePath().toString()));
        }
        List<String> each = new ArrayList<>();
        for (String id : ids.split(",")) {
            Pattern declared = Pattern.compile("^\\s*(-\\s+)?id:\\s*[\"']?" + Pattern.quote(id.strip()) + "[\"']?\\s*(#.*)?$");
            List<String> where = new ArrayList<>();
            for (String file : files) {
                try {
                    List<String> lines = Files.readAllLines(Path.of(file));
                    for (int i = 0; i < lines.size(); i++) {
                        if (declared.matcher(lines.get(i)).matches()) {
                            where.add(file + ":" + (i + 1));
                        }
                    }
                } catch (IOException | RuntimeException unreadable) { // named by the others, or by Camel's id alone
                }
            }
            each.add("'" + id.strip() + "'" + (where.isEmpty() ? "" : " (" + String.join(", ", where)
                    + (where.size() < 2 ? ", and a route shipped in the jar" : "") + ")"));
        }
        return "Invalid route: two routes have one id: " + String.join("; ", each) + ". Give each route an id of its own";
    }
}
