package dev.incidentgateway.api;

import dev.incidentgateway.security.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The parts of an HTTP request a handler needs, read from a Camel exchange of platform-http. */
public final class ApiRequest {
    /** Exchange property holding the authenticated {@link Principal} (set by {@link ApiAuthPolicyFactory}). */
    public static final String PRINCIPAL_PROPERTY = "gateway.principal";

    private final Exchange exchange;
    private final Message message;
    private final Map<String, String> query;
    /** Parameters given more than once: which of the values was meant is the sender's to say, so reading one is a 400. */
    private final java.util.Set<String> repeated = new java.util.HashSet<>();
    /** Read once: platform-http hands a stream cache that a second read would find empty. */
    private byte[] body;

    ApiRequest(Exchange exchange) {
        this.exchange = exchange;
        this.message = exchange.getMessage();
        this.query = parseQuery(message.getHeader(Exchange.HTTP_QUERY, String.class));
    }

    /**
     * Who sent this request, as authenticated by the route's policy; {@code null} only on routes that need no
     * credential ({@code /health} called without one, {@code /webhooks/*} before their authenticate step checks the
     * source's own secret and names the caller {@code webhook:<source>}).
     */
    public Principal principal() {
        return exchange.getProperty(PRINCIPAL_PROPERTY, Principal.class);
    }

    public String method() {
        return message.getHeader(Exchange.HTTP_METHOD, String.class);
    }

    /**
     * The path segment at {@code index} ({@code /api/v1/incidents/INC-1}: index 3 is {@code INC-1}), taken from
     * the request path itself: platform-http also exposes path parameters as headers, where a request
     * header of the same name would merge with them.
     */
    public String pathSegment(int index) {
        String path = path();
        String[] segments = path == null ? new String[0] : (path.startsWith("/") ? path.substring(1) : path).split("/"); // a one-char split takes String's fast path, no regex
        return index < segments.length ? URLDecoder.decode(segments[index], StandardCharsets.UTF_8) : null;
    }

    /** The names of the query parameters given: a handler taking a closed set refuses the others by name. */
    public java.util.Set<String> queryNames() {
        java.util.Set<String> names = new java.util.TreeSet<>(query.keySet());
        names.addAll(repeated);
        return names;
    }

    /** A query parameter, read from the raw query string (never from a header a caller could set). */
    public String query(String name) {
        if (repeated.contains(name)) {
            throw ApiProblem.givenTwice(name);
        }
        return query.get(name);
    }

    public String header(String name) {
        return message.getHeader(name, String.class);
    }

    /**
     * A header that must come once, like a query parameter: sent twice (platform-http keeps every value, in a list), which
     * of the values was meant is the sender's to say, so it is a 400 naming the header.
     */
    public String singleHeader(String name) {
        Object value = message.getHeader(name);
        if (value instanceof java.util.List<?> values && values.size() > 1) {
            throw ApiProblem.givenTwice(name);
        }
        return header(name);
    }

    /**
     * The first header sent more than once among those {@code names} accepts, if any: for a family of headers that must
     * each come once ({@code ce-*}), as {@link #singleHeader} for one.
     */
    public java.util.Optional<String> repeatedHeader(java.util.function.Predicate<String> names) {
        for (Map.Entry<String, Object> h : message.getHeaders().entrySet()) {
            if (names.test(h.getKey()) && h.getValue() instanceof java.util.List<?> values && values.size() > 1) {
                return java.util.Optional.of(h.getKey());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The request's own headers (Camel's internal ones left out), for signature checks; names are case-insensitive, as
     * in HTTP (a {@code WebhookRequest} takes such a map without copying it again).
     */
    public Map<String, String> headers() {
        Map<String, String> out = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        message.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("Camel") && v != null) {
                out.put(k, v instanceof java.util.List<?> list && !list.isEmpty() ? String.valueOf(list.get(0)) : String.valueOf(v));
            }
        });
        return out;
    }

    public String path() {
        return message.getHeader(Exchange.HTTP_PATH, String.class);
    }

    public byte[] body() {
        if (body == null) {
            byte[] read = message.getBody(byte[].class);
            body = read == null ? new byte[0] : read;
        }
        return body;
    }

    /** The edge has checked the escapes already ({@code EdgeGuard}): a malformed one never reaches a route. */
    private Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.putIfAbsent(key, value) != null) {
                repeated.add(key);
            }
        }
        return out;
    }
}
