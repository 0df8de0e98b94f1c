package dev.incidentgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

/**
 * The body an HTTP route ends with, made into something platform-http can write, when the route is done and before
 * platform-http writes it: a {@code Map}, {@code List} or {@code JsonNode} (what {@code unmarshal: json} and
 * {@code jsonpath} leave) becomes its JSON ({@code Content-Type: application/json} unless the route set one), as the
 * {@code timeline} component's bodies do; a number or boolean its text. Platform-http itself has no converter for
 * those and failed the request after the route had completed, with a plain-text {@code 500} and an ERROR with a stack
 * trace. A body nothing can write (an object of the route's making) is answered as the API answers a fault of ours:
 * problem+json {@code 500 internal-error}, logged once as an ERROR by {@link ProblemMapper}.
 *
 * <p>A failure still on the exchange at the route's end (a route naming a {@code routeConfigurationId} whose
 * {@code onException} does not list it: the global {@link HttpRouteProblems} does not apply to such a route) is
 * answered as {@code apiProblems} answers it, bad input included, instead of platform-http's plain-text {@code 500}.
 *
 * <p>A route policy factory (Camel asks it for every route, whatever its route configuration), not a step of the
 * global route configuration: a route naming a {@code routeConfigurationId} gets no step of the global one. Its policy
 * registers for the end of the route an HTTP exchange came in by (not of a {@code direct:} route it calls).
 */
public final class RouteReplyBody implements RoutePolicyFactory {
    private final ApiRouteSteps steps;
    private final ObjectMapper json;

    public RouteReplyBody(ApiRouteSteps steps, ObjectMapper json) {
        this.steps = steps;
        this.json = json;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route route, Exchange exchange) {
                if (HttpRouteProblems.cameOverHttp(exchange) && route.getRouteId().equals(exchange.getFromRouteId())) {
                    exchange.getExchangeExtension().addOnCompletion(new AtRouteEnd());
                }
            }
        };
    }

    /** The failure no route configuration handled answered as problem+json, or the body made writable. */
    void atRouteEnd(Exchange exchange) {
        Exception unhandled = exchange.getException();
        if (unhandled != null) {
            exchange.setException(null); // answered here: platform-http writes the answer instead of its plain 500
            steps.answerFailure(exchange, unhandled);
            return;
        }
        makeWritable(exchange);
    }

    /** Makes the body writable. */
    void makeWritable(Exchange exchange) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        if (body == null || body instanceof String || body instanceof byte[]
                || body instanceof ByteBuffer || body instanceof InputStream || body instanceof Buffer) {
            return;
        }
        if (body instanceof Number || body instanceof Boolean || body instanceof CharSequence) {
            message.setBody(body.toString()); // Camel would write an Integer as its 4 bytes
            return;
        }
        if (body instanceof Map || body instanceof Collection || body instanceof JsonNode) {
            try {
                message.setBody(json.writeValueAsBytes(body));
            } catch (JsonProcessingException | RuntimeException e) {
                steps.answerProblem(exchange, e);
                return;
            }
            if (message.getHeader(Exchange.CONTENT_TYPE) == null) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            return;
        }
        TypeConverter converter = exchange.getContext().getTypeConverter();
        Object writable = converter.tryConvertTo(ByteBuffer.class, exchange, body);
        if (writable == null) {
            writable = converter.tryConvertTo(InputStream.class, exchange, body);
        }
        if (writable == null) {
            steps.answerProblem(exchange, new IllegalStateException("route " + exchange.getFromRouteId() + " ended with a body of type "
                    + body.getClass().getName() + ", which cannot be written as an HTTP answer: end with text, bytes, a Map or a List"));
        } else {
            message.setBody(writable);
        }
    }

    private final class AtRouteEnd extends SynchronizationAdapter implements SynchronizationRouteAware {
        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            return this;
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
            // only the end matters
        }

        @Override
        public void onAfterRoute(Route route, Exchange exchange) {
            if (route.getRouteId().equals(exchange.getFromRouteId())) {
                atRouteEnd(exchange);
            }
        }
    }
}
