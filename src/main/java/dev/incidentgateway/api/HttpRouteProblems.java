package dev.incidentgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * The global route configuration (one without an id, which Camel applies to every route that names none): a failure
 * an HTTP route does not handle itself is answered as the API answers it — problem+json through {@link ProblemMapper},
 * 400 naming the field for bad input, 404/409 for refusals, 503 + {@code Retry-After} for the store's trouble — instead
 * of platform-http's plain {@code 500}, which told a sender of bad input that the fault was ours (and, for a
 * {@code timeline:append} route, made Alertmanager-like senders retry a request that can never succeed). It also
 * keeps Camel from logging each caller's mistake as an ERROR with the route's history.
 *
 * <p>Only exchanges that came in over platform-http are answered so: a timer, Kafka or {@code timeline:outbox} route
 * fails as before (the outbox classifies its delivery failures from the exception, which must reach it). A route that
 * names a {@code routeConfigurationId} gets only the configurations it names (the shipped webhooks route has its own);
 * a route's own {@code onException} wins for the exceptions it lists. A body the route's steps could not read (not
 * JSON, not the type a step converts it to, no value where a {@code jsonpath} reads) is the sender's 400
 * ({@link RouteInputFailures}). The body the route ends with is made writable by {@link RouteReplyBody} (a Map or
 * List as JSON), a route policy, so also for a route that names a {@code routeConfigurationId}, whose failures its
 * configuration leaves unhandled it answers as problem+json too.
 */
public final class HttpRouteProblems extends RouteConfigurationBuilder {
    @Override
    public void configuration() {
        routeConfiguration()
                .onException(Exception.class)
                .onWhen(HttpRouteProblems::cameOverHttp)
                .handled(true)
                .bean(ApiRouteSteps.PROBLEMS_BEAN, "replyProblem");
    }

    static boolean cameOverHttp(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
    }
}
