package dev.incidentgateway;

import dev.incidentgateway.api.ApiRouteSteps;
import dev.incidentgateway.api.HttpRouteProblems;
import dev.incidentgateway.api.RouteReplyBody;
import dev.incidentgateway.camel.ConnectorSinkProcessor;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.RouteFiles;
import dev.incidentgateway.config.RouteLoadFailure;
import dev.incidentgateway.config.RoutePlaceholders;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.ingest.WebhookSteps;
import dev.incidentgateway.ingest.poll.SourcePollers;
import dev.incidentgateway.sla.SlaTracker;
import dev.incidentgateway.transport.AsyncRouteHttpEngine;
import dev.incidentgateway.transport.HttpPathClashes;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Route;
import org.apache.camel.main.Main;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

/**
 * {@code config}'s check of the routes: the shipped YAML routes and the operator's ({@code GATEWAY_ROUTES_DIR}) loaded by
 * Camel Main with the start's include pattern into a context whose routes never start (Camel builds each route, its
 * endpoints and their options, and no consumer: no port is bound, no timer fires, no store or target is reached).
 * A failure is worded by the start's own code ({@link RouteLoadFailure}, {@link HttpPathClashes}), so {@code config}
 * exits 2 with the message a start would stop with.
 */
final class RouteCheck {
    /**
     * The beans the start binds for the routes' {@code bean:} steps, by type: Camel looks each up while it builds a route
     * and checks that the step's method exists on it. A name the start does not bind stays unbound, so a misspelt
     * {@code ref:} or method fails here as it fails the start.
     */
    private static final Map<String, Class<?>> BEAN_TYPES = Map.of(WebhookSteps.BEAN, WebhookSteps.class, SourcePollers.BEAN,
            SourcePollers.class, SlaTracker.BEAN, SlaTracker.class, ConnectorSinkProcessor.BEAN, ConnectorSinkProcessor.class,
            ApiRouteSteps.PROBLEMS_BEAN, ApiRouteSteps.class, Gateway.ROUTE_REPLIES_BEAN, RouteReplyBody.class);

    private RouteCheck() {
    }

    /** Throws {@link ConfigException} with the start's message when a route would stop the start. */
    static void run(GatewayConfig config, StartChecks checked) {
        Main main = new Main();
        main.configure().withAutoStartup(false); // built, never started: see the class comment
        main.configure().withRoutesIncludePattern(RouteFiles.includePattern(config.routesDir()));
        main.configure().withName("incident-gateway-config");
        RoutePlaceholders.of(config, checked.connectorKeys()).forEach(main::addInitialProperty);
        checked.kafkaSecurity().ifPresent(k -> k.install(main)); // kafka: endpoints as the start configures them
        dev.incidentgateway.config.SecretFileEnvFunction.install(main); // {{env:NAME}} also from NAME_FILE
        BEAN_TYPES.forEach((name, type) -> main.bind(name, unconstructed(type)));
        main.bind(Gateway.DATA_SOURCE_BEAN, unreachable(javax.sql.DataSource.class));
        main.bind(AsyncRouteHttpEngine.BEAN, new AsyncRouteHttpEngine()); // builds consumers; none is started
        main.bind(TimelineComponent.SCHEME, TimelineComponent.forRouteCheck(new CloudEventsWebhookMapper(GatewayJson.create()),
                new TimelineCloudEventMapper(config.get(RouteSettings.CE_TYPE_PREFIX), GatewayJson.create())));
        main.configure().addRoutesBuilder(new HttpRouteProblems());
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            Optional<FailedToStartRouteException> shared = sharedConsumer(context);
            if (shared.isPresent()) {
                throw shared.get(); // worded below by the start's code, as Camel's own refusal of it is at a start
            }
            Optional<String> clash = HttpPathClashes.find(context, RouteFiles.of(context));
            if (clash.isPresent()) {
                throw new ConfigException(clash.get());
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            CamelContext context = main.getCamelContext();
            throw new ConfigException(RouteLoadFailure.describe(e, RouteFiles.of(context), context, config.routesDir())
                    .orElse("Invalid route: " + e.getMessage()));
        } finally {
            main.stop();
        }
    }

    /**
     * Two routes consuming one endpoint that takes one consumer: Camel's own check (its {@link MultipleConsumersSupport}
     * rule, with its words) runs only as it starts the consumers, which the check never does. Endpoints are shared by
     * URI, so two routes on one endpoint hold the same instance.
     */
    private static Optional<FailedToStartRouteException> sharedConsumer(CamelContext context) {
        Map<Endpoint, Route> seen = new java.util.IdentityHashMap<>();
        for (Route route : context.getRoutes()) {
            Endpoint endpoint = route.getEndpoint();
            boolean multiple = endpoint instanceof MultipleConsumersSupport m && m.isMultipleConsumersSupported();
            if (!multiple && seen.putIfAbsent(endpoint, route) != null) {
                return Optional.of(new FailedToStartRouteException(route.getRouteId(),
                        "Multiple consumers for the same endpoint is not allowed: " + endpoint.getEndpointUri()));
            }
        }
        return Optional.empty();
    }

    /**
     * An instance of {@code type} whose constructor never ran: Camel only reads its methods while it builds the routes,
     * and no route starts. Hand-written because these beans' constructors need the open store, and neither Camel nor a
     * library on the classpath makes a stand-in of a class (Mockito is test-only).
     */
    private static Object unconstructed(Class<?> type) {
        try {
            java.lang.reflect.Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return ((sun.misc.Unsafe) field.get(null)).allocateInstance(type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make config's stand-in of " + type.getName(), e);
        }
    }

    /** An interface the check binds where a route's endpoint looks one up while it is built, failing if it is ever used. */
    private static <T> T unreachable(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(RouteCheck.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("toString") ? "config's stand-in " + type.getSimpleName() : method.invoke(type, args);
            }
            throw new IllegalStateException("config's route check reaches no store");
        }));
    }
}
