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
    private RouteFiles() {
    }

    /**
     * The YAML files under {@code dir} that are not loaded because their names do not end in {@code .camel.yaml}
     * ({@code mine.yaml}): a route written there would silently never run, so the start warns about each.
     */
    public static List<Path> ignoredIn(Path dir) {
        return yamlIn(dir, false);
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

    /** @return route id → the file it was loaded from (empty for a route built in Java, or an unknown id) */
    public static Function<String, Optional<String>> of(CamelContext context) {
        return routeId -> {
            RouteDefinition route = ((ModelCamelContext) context).getRouteDefinition(routeId);
            return Optional.ofNullable(route == null || route.getResource() == null ? null : route.getResource().getLocation());
        };
    }
}
