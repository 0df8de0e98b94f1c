package dev.incidentgateway.transport;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The platform-http engine of routes that must not hold a worker thread while an asynchronous step (such as
 * {@code timeline:append}) waits: bound as {@value #BEAN} and named by such a route's endpoint,
 * {@code platform-http:/webhooks/{source}?platformHttpEngine=#asyncRouteHttpEngine}. Same server, router and
 * handlers as every other route; only the consumer differs ({@link AsyncRouteHttpConsumer}). The REST API's routes
 * ({@code IncidentApiRoute}) use it too, for the way it writes an answer (one copy instead of Camel's stream pump).
 */
public final class AsyncRouteHttpEngine extends VertxPlatformHttpEngine {
    /** The registry name routes refer to. */
    public static final String BEAN = "asyncRouteHttpEngine";

    @Override
    protected void doInit() {
        // Camel's engine binds itself as the default "platform-http-engine" here; this one must not replace it.
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (getCamelContext() == null) {
            setCamelContext(endpoint.getCamelContext()); // finds the server (and so the router) by the context
        }
        return new AsyncRouteHttpConsumer(endpoint, processor, VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }
}
