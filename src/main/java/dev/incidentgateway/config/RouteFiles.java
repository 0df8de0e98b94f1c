package dev.incidentgateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

import java.util.Optional;
import java.util.function.Function;

/** Which file a route was loaded from, from Camel's model: start failures and route clashes name it. */
public final class RouteFiles {
    private RouteFiles() {
    }

    /** @return route id → the file it was loaded from (empty for a route built in Java, or an unknown id) */
    public static Function<String, Optional<String>> of(CamelContext context) {
        return routeId -> {
            RouteDefinition route = ((ModelCamelContext) context).getRouteDefinition(routeId);
            return Optional.ofNullable(route == null || route.getResource() == null ? null : route.getResource().getLocation());
        };
    }
}
