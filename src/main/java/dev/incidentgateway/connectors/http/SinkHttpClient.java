package dev.incidentgateway.connectors.http;

import dev.incidentgateway.outbox.DeliveryAbort;
import org.apache.camel.CamelContext;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.support.http.HttpUtil;
import org.apache.camel.util.UnsafeUriCharactersEncoder;
import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.BasicHttpContext;
import org.apache.hc.core5.http.protocol.HttpContext;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Sends a sink's {@link HttpCall} with camel-http's Apache HttpClient and returns whatever the target answered,
 * failures included: classifying them is the sink's job. An I/O failure (refused, timeout) comes back as status 0 with
 * the exception's message as body.
 * <p>
 * The client is the one camel-http builds for its endpoint (its connection pool, timeouts, no automatic retries, no
 * cookie store, the component's TLS settings), started and stopped with Camel. The request goes to it directly, not
 * through a Camel exchange and camel-http's producer: per call those copied every header through two header filters
 * and a case-insensitive map each way, and parsed the URL twice (≈ 40 % of a call's CPU, {@code bench/SinkCallBenchmark.java};
 * the sink call runs inside the relay's call permit, so that CPU delayed every delivery). What is sent and what comes
 * back are as camel-http sent and returned them: the same request headers left out ({@link #NOT_SENT}), URLs encoded
 * by the same rule, every answer header but Camel's own, repeated ones as {@code [a, b]}.
 */
public final class SinkHttpClient {
    /** camel-http endpoint whose client the calls use; the real URL is each call's own. */
    private static final String ENDPOINT = "http://outbound?throwExceptionOnFailure=false&" + CamelHttpDefaults.endpointOptions();
    /**
     * Request headers camel-http's header filter never sent (it sets them itself, from the body or the connection),
     * taken from the list that filter is built from (lower case); the body's Content-Type goes with the body instead.
     */
    static final Set<String> NOT_SENT = notSent();

    /** Answers up to this length are read straight into an array of their length. */
    private static final int KNOWN_LENGTH_MAX = 1 << 20;

    private final Supplier<ProducerTemplate> templates;
    /** The client, taken once from the started endpoint. */
    private volatile Target target;

    private record Target(HttpClient client, HttpContext context) {
    }

    private static Set<String> notSent() {
        Set<String> names = new HashSet<>();
        HttpUtil.addCommonFilters(names);
        return Set.copyOf(names);
    }

    public SinkHttpClient(ProducerTemplate template) {
        this.templates = () -> template;
    }

    /** For sinks built before Camel has started: the template is taken on first use (only for its CamelContext). */
    public SinkHttpClient(Supplier<ProducerTemplate> templates) {
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

    private static Target createTarget(CamelContext camel) {
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        // Apache HttpClient would otherwise retry 429/503 itself, sleeping out Retry-After on a relay
        // thread: retries are the outbox's job, with their state in the row.
        http.setAutomaticRetriesDisabled(true);
        // Every call carries its own credentials; a cookie store shared by all sinks' calls only cost work on each
        // call (expiry sweep, cookie matching on the request, Set-Cookie parsing on the answer).
        http.setCookieManagementDisabled(true);
        HttpEndpoint endpoint = camel.getEndpoint(ENDPOINT, HttpEndpoint.class);
        try {
            // The producer is started (and stopped with Camel) so that the endpoint's client and pool live as long as Camel.
            Producer producer = endpoint.createProducer();
            camel.addService(producer, true, true);
            return new Target(endpoint.getHttpClient(), endpoint.getHttpContext());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the camel-http client for sink calls", e);
        }
    }

    public HttpReply send(HttpCall call) {
        Target t = target();
        try {
            HttpUriRequestBase request = new HttpUriRequestBase(call.method(),
                    new URI(UnsafeUriCharactersEncoder.encodeHttpURI(call.url())));
            String contentType = null;
            for (Map.Entry<String, String> h : call.headers().entrySet()) {
                String name = h.getKey();
                if (h.getValue() == null || isCamels(name)) {
                    continue;
                }
                if (name.equalsIgnoreCase("Content-Type")) {
                    contentType = h.getValue();
                } else if (!NOT_SENT.contains(name.toLowerCase(Locale.ROOT))) {
                    request.addHeader(name, h.getValue());
                }
            }
            if (call.body() != null) {
                request.setEntity(new ByteArrayEntity(call.body(), contentType == null ? null : ContentType.parse(contentType)));
            }
            HttpContext context = t.context() == null ? HttpClientContext.create() : new BasicHttpContext(t.context());
            // At the delivery deadline the relay cancels the request (connection closed, the blocked read fails at once):
            // an interrupt alone would leave it on its way to the target after the row's retry (DeliveryAbort).
            try (DeliveryAbort.Registration ignored = DeliveryAbort.onAbort(request::cancel)) {
                return t.client().execute(request, context, SinkHttpClient::reply);
            }
        } catch (Exception e) {
            return new HttpReply(0, Map.of(), String.valueOf(e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * The whole body. One of a known length is read into an array of that length (as camel-http read it):
     * {@link EntityUtils#toByteArray} takes a 4 KB buffer and a 4 KB copy for every answer, a quarter of a call's allocation.
     */
    private static byte[] body(HttpEntity entity) throws java.io.IOException {
        if (entity == null) {
            return null;
        }
        long length = entity.getContentLength();
        if (length <= 0 || length > KNOWN_LENGTH_MAX) {
            return EntityUtils.toByteArray(entity);
        }
        try (InputStream in = entity.getContent()) {
            return in == null ? null : in.readNBytes((int) length);
        }
    }

    /** A Camel header name, which camel-http's filter kept out of requests and answers. */
    private static boolean isCamels(String name) {
        return name.regionMatches(true, 0, "camel", 0, 5) || name.startsWith("org.apache.camel.");
    }

    /** Status, headers (Camel's own left out, a repeated one as {@code [a, b]}) and the whole body. */
    private static HttpReply reply(ClassicHttpResponse response) throws java.io.IOException {
        byte[] body = body(response.getEntity());
        Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            if (h.getValue() != null && !isCamels(h.getName())) {
                values.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
            }
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        values.forEach((k, v) -> headers.put(k, v.size() == 1 ? v.get(0) : v.toString()));
        return new HttpReply(response.getCode(), headers, body);
    }
}
