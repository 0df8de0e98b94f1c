package dev.incidentgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A small blocking HTTP client for the gateway's API in tests (java.net.http, HTTP/1.1), so each test
 * reads as requests and answers.
 */
public final class HttpApi {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final String bearer;

    /** A client that sends no credential. */
    public HttpApi(int port) {
        this(port, null);
    }

    /**
     * A client that sends {@code Authorization: Bearer <bearer>} with every request, except to {@code /webhooks/*}
     * (webhook senders hold their own secrets, not API keys) and when a request sets its own Authorization.
     */
    public HttpApi(int port, String bearer) {
        this.base = "http://127.0.0.1:" + port;
        this.bearer = bearer;
    }

    /** The same server with another credential ({@code null}: none). */
    public HttpApi withBearer(String token) {
        return new HttpApi(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), token);
    }

    /** One answer: status, headers and body, with the body parsed as JSON on demand. */
    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response body is not JSON (status " + status + "): " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body);
        }
    }

    public Response get(String path, String... headerPairs) {
        return send(request(path, headerPairs).GET());
    }

    public Response postJson(String path, Object body, String... headerPairs) {
        return post(path, "application/json", toJson(body), headerPairs);
    }

    public Response post(String path, String contentType, String body, String... headerPairs) {
        return post(path, contentType, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), headerPairs);
    }

    public Response post(String path, String contentType, HttpRequest.BodyPublisher body, String... headerPairs) {
        HttpRequest.Builder b = request(path, headerPairs).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    /** The value of one series of {@code GET /metrics} (this client needs scope metrics), 0 when it is not there yet. */
    public double metric(String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Any method, with a JSON body for methods other than GET, HEAD and DELETE. */
    public Response send(String method, String path, String... headerPairs) {
        boolean bodyless = java.util.Set.of("GET", "HEAD", "DELETE").contains(method);
        HttpRequest.Builder b = request(path, headerPairs).method(method,
                bodyless ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (!bodyless) {
            b.header("Content-Type", "application/json");
        }
        return send(b);
    }

    public static String toJson(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON object built from alternating keys and values (values may be nested maps / ObjectNodes). */
    public static ObjectNode obj(Object... keyValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JSON.valueToTree(m);
    }

    private HttpRequest.Builder request(String path, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        boolean ownAuthorization = false;
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
            ownAuthorization |= headerPairs[i].equalsIgnoreCase("Authorization");
        }
        if (bearer != null && !ownAuthorization && !path.startsWith("/webhooks/")) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
