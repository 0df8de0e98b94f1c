package dev.incidentgateway.api;

import dev.incidentgateway.config.RouteFiles;
import dev.incidentgateway.security.RouteAccessPolicy;
import dev.incidentgateway.security.RouteAccessPolicy.Access;
import dev.incidentgateway.security.Scope;
import org.apache.camel.NamedNode;
import org.apache.camel.model.DynamicRouterDefinition;
import org.apache.camel.model.EndpointRequiredDefinition;
import org.apache.camel.model.EnrichDefinition;
import org.apache.camel.model.KameletDefinition;
import org.apache.camel.model.PollEnrichDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RecipientListDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RoutingSlipDefinition;
import org.apache.camel.model.ToDynamicDefinition;

import java.util.Optional;

/**
 * What one HTTP route requires, decided once from its definition when Camel creates the route: the path table of
 * {@link RouteAccessPolicy}, with two rules only the definition can tell.
 * <ul>
 *   <li>Only the shipped webhook intake authenticates itself ({@link RouteAccessPolicy.SelfAuthenticated}); any other
 *   route the table would leave to itself falls to the default (and the start refuses such a route anyway).</li>
 *   <li>A route of the operator's that may write the timeline needs {@code admin} whatever its method, so a GET that
 *   stores is not open to {@code read}: it sends to a {@code timeline:} producer (every one appends), to another route
 *   ({@code direct:}, {@code seda:}: what that route does is not looked into), or to an endpoint known only at run time
 *   ({@code toD}, {@code enrich}, {@code recipientList}, …). Other endpoints ({@code jdbc:}, {@code http:},
 *   {@code kafka:}, {@code file:}) keep the method's scope: the operator wrote what they do, and the documented recipe
 *   of a {@code GET} reading the view through {@code jdbc:gatewayDataSource} stays open to {@code read}.</li>
 * </ul>
 *
 * @param webhookIntake the shipped {@code POST /webhooks/<source>} route
 * @param sends         a route of the operator's whose steps may write the timeline (see above)
 */
public record RouteAccess(boolean webhookIntake, boolean sends) {
    /** @param route the route's definition, as Camel hands it to a route policy factory */
    public static RouteAccess of(String routeId, NamedNode route) {
        Optional<String> file = RouteFiles.of(route);
        return new RouteAccess(RouteFiles.isWebhookIntake(routeId, file),
                RouteFiles.isOperators(file) && route instanceof RouteDefinition definition && sendsToAnEndpoint(definition));
    }

    /** What a request with {@code method} to this route, on {@code pathTemplate}, requires. */
    public Access access(String pathTemplate, String method) {
        if (sends) {
            return new RouteAccessPolicy.Requires(Scope.ADMIN);
        }
        Access byPath = RouteAccessPolicy.access(pathTemplate, method);
        return byPath instanceof RouteAccessPolicy.SelfAuthenticated && !webhookIntake ? RouteAccessPolicy.byDefault(method) : byPath;
    }

    /** Whether any step, however deeply nested (choice, split, doTry, …), may write the timeline (see the class comment). */
    static boolean sendsToAnEndpoint(RouteDefinition route) {
        for (ProcessorDefinition<?> step : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ProcessorDefinition.class)) {
            if (sends(step)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sends(ProcessorDefinition<?> step) {
        if (step instanceof EndpointRequiredDefinition to) { // to, poll
            return mayWriteTheTimeline(to.getEndpointUri());
        }
        if (step instanceof ToDynamicDefinition toD) { // toD, wireTap: a wireTap's URI is fixed, a toD's may not be
            String uri = toD.getUri();
            return uri == null || uri.contains("${") || mayWriteTheTimeline(uri);
        }
        // The endpoint is known only at run time.
        return step instanceof EnrichDefinition || step instanceof PollEnrichDefinition || step instanceof RecipientListDefinition<?>
                || step instanceof RoutingSlipDefinition<?> || step instanceof DynamicRouterDefinition<?> || step instanceof KameletDefinition;
    }

    private static boolean mayWriteTheTimeline(String uri) {
        if (uri == null) {
            return true;
        }
        String u = uri.strip();
        return u.startsWith("timeline:") || u.startsWith("direct:") || u.startsWith("seda:") || u.contains("{{");
    }
}
