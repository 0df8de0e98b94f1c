package dev.incidentgateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.function.Function;

/** Which file a route was loaded from, from Camel's model: start failures and route clashes name it. */
public final class RouteFiles {
    /** The shipped webhook intake's route id and file: {@code POST /webhooks/<source>}, each source checked by its own secret. */
    public static final String WEBHOOK_INTAKE_ID = "webhooks";
    static final String WEBHOOK_INTAKE_FILE = "classpath:routes/inbound/webhooks.camel.yaml";
    /** Where the shipped YAML routes are loaded from (Gateway names each {@code classpath:routes/…}); an operator's are {@code file:}. */
    private static final String SHIPPED = "classpath:";

    private RouteFiles() {
    }

    /**
     * Whether a route is the shipped webhook intake: its id and the jar's file both (an operator's file cannot take the
     * id, Camel refuses a second route with it), never a path any route could declare.
     *
     * @param file the file the route was loaded from ({@link #of})
     */
    public static boolean isWebhookIntake(String routeId, Optional<String> file) {
        return WEBHOOK_INTAKE_ID.equals(routeId) && file.filter(WEBHOOK_INTAKE_FILE::equals).isPresent();
    }

    /** Whether a route was loaded from a file of the operator's ({@code GATEWAY_ROUTES_DIR}), not from the jar or built in Java. */
    public static boolean isOperators(Optional<String> file) {
        return file.filter(f -> !f.startsWith(SHIPPED)).isPresent();
    }

    /** The file {@code route} (a route's definition) was loaded from: empty for a route built in Java. */
    public static Optional<String> of(org.apache.camel.NamedNode route) {
        return route instanceof RouteDefinition definition && definition.getResource() != null
                ? Optional.ofNullable(definition.getResource().getLocation()) : Optional.empty();
    }

    /**
     * The YAML files under {@code dir} that are not loaded because their names do not end in {@code .camel.yaml}
     * ({@code mine.yaml}): a route written there would silently never run, so the start warns about each.
     */
    public static List<Path> ignoredIn(Path dir) {
        return yamlIn(dir, false);
    }

    /**
     * The name {@code ignored} (one of {@link #ignoredIn}) would be loaded under: {@code mine.yaml} and
     * {@code mine.camel.yml} are both {@code mine.camel.yaml}, never {@code mine.camel.camel.yaml}.
     */
    public static String loadedName(Path ignored) {
        return ignored.getFileName().toString().replaceFirst("(\\.camel)?\\.ya?ml$", "") + ".camel.yaml";
    }

    /** The route files under {@code dir} the start loads ({@code *.camel.yaml}). */
    public static List<Path> routesIn(Path dir) {
        return yamlIn(dir, true);
    }

    private static List<Path> yamlIn(Path dir, boolean routes) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return routes ? name.endsWith(".camel.yaml") : (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.endsWith(".camel.yaml");
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Camel Main's {@code routesIncludePattern} of a start (and of {@code config}'s route check): the shipped routes named
     * one by one (ClasspathListing says why Camel's own classpath scan is not used), then the operator's under {@code routesDir}.
     */
    public static String includePattern(Path routesDir) {
        return ClasspathListing.list("routes", true, ".camel.yaml").stream().map(r -> "classpath:" + r)
                .collect(java.util.stream.Collectors.joining(","))
                + (routesDir == null ? "" : ",file:" + routesDir.toAbsolutePath() + "/**/*.camel.yaml");
    }

    /** @return route id → the file it was loaded from (empty for a route built in Java, or an unknown id) */
    public static Function<String, Optional<String>> of(CamelContext context) {
        return routeId -> {
            return of(((ModelCamelContext) context).getRouteDefinition(routeId));
        };
    }
}
