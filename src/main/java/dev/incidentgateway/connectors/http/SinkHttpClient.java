package dev.incidentgateway.connectors.http;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpMethods;

import java.util.HashMap;
import java.util.Map;

/**
 * Sends a sink's {@link HttpCall} with camel-http and returns whatever the target answered, failures
 * included ({@code throwExceptionOnFailure=false}): classifying them is the sink's job. An I/O failure
 * (refused, timeout) comes back as status 0 with the exception's message as body.
 * <p>
 * The calls go straight to one started camel-http producer, not through a {@link ProducerTemplate}: the template's
 * producer cache and internal processor (unit of work, events, which nothing here uses) were ~7 % of a call's CPU
 * ({@code bench/SinkCallBenchmark.java}). camel-http stays the transport, with its connection pool and options.
 */
public final class SinkHttpClient {
    /** camel-http endpoint; the real URL of each call goes in the CamelHttpUri header. */
    private static final String ENDPOINT = "http://outbound?throwExceptionOnFailure=false"
            + "&connectTimeout=5000&connectionRequestTimeout=5000&responseTimeout=30000";

    private final java.util.function.Supplier<ProducerTemplate> templates;
    /** The endpoint and its producer, resolved once: by URI string, every call parsed and normalized it. */
    private volatile Target target;

    private record Target(Endpoint endpoint, Producer producer) {
    }

    public SinkHttpClient(ProducerTemplate template) {
        this.templates = () -> template;
    }

    /** For sinks built before Camel has started: the template is taken on first use (only for its CamelContext). */
    public SinkHttpClient(java.util.function.Supplier<ProducerTemplate> templates) {
        this.templates = templates;
    }

    private Target target() {
        Target t = target;
        if (t == null) {
            synchronized (this) {
                if (target == null) {
                    target = createTarget(templates.get().getCamelContext());
                }
                t = target;
            }
        }
        return t;
    }

    private static Target createTarget(org.apache.camel.CamelContext camel) {
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        // Apache HttpClient would otherwise retry 429/503 itself, sleeping out Retry-After on a relay
        // thread: retries are the outbox's job, with their state in the row.
        http.setAutomaticRetriesDisabled(true);
        // Every call carries its own credentials; a cookie store shared by all sinks' calls only cost work on each
        // call (expiry sweep, cookie matching on the request, Set-Cookie parsing on the answer).
        http.setCookieManagementDisabled(true);
        Endpoint endpoint = camel.getEndpoint(ENDPOINT);
        try {
            Producer producer = endpoint.createProducer();
            camel.addService(producer, true, true); // started now, stopped with Camel
            return new Target(endpoint, producer);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the camel-http producer for sink calls", e);
        }
    }

    public HttpReply send(HttpCall call) {
        Target t = target();
        Exchange result = t.endpoint().createExchange(ExchangePattern.InOut);
        Message in = result.getMessage();
        in.setHeader(Exchange.HTTP_URI, call.url());
        // As camel-http's own enum: given as a String, every call converted it through Camel's EnumTypeConverter
        // (reflection; ~10 % of a delivery's CPU in bench/delivery.sh).
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(call.method()));
        call.headers().forEach(in::setHeader);
        in.setBody(call.body());
        try {
            t.producer().process(result);
        } catch (Exception e) {
            result.setException(e);
        }
        if (result.getException() != null) {
            return new HttpReply(0, Map.of(), String.valueOf(result.getException().getMessage()).getBytes());
        }
        Message out = result.getMessage();
        Map<String, String> headers = new HashMap<>();
        out.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("Camel") && v != null) {
                headers.put(k, String.valueOf(v));
            }
        });
        Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return new HttpReply(status == null ? 0 : status, headers, out.getBody(byte[].class));
    }
}
