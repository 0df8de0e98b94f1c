package dev.incidentgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.SynchronizationRouteAware;
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
 * <p>Run from the global route configuration ({@link HttpRouteProblems}) at the start of each HTTP exchange: it
 * registers itself for the end of the route the exchange came in by (not of a {@code direct:} route it calls).
 */
final class RouteReplyBody implements Processor {
    private final ApiRouteSteps steps;
    private final ObjectMapper json;

    RouteReplyBody(ApiRouteSteps steps, ObjectMapper json) {
        this.steps = steps;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new AtRouteEnd());
    }

    /** Makes the body writable; an exchange that failed unhandled is left to platform-http as before. */
    void makeWritable(Exchange exchange) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        if (exchange.getException() != null || body == null || body instanceof String || body instanceof byte[]
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
                makeWritable(exchange);
            }
        }
    }
}
