package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Real requests to a running gateway, each checked against an OpenAPI 3.1 document: the request (when it is meant to be
 * valid: its query parameters documented, the required ones there, its body valid against the request schema of its
 * content type) and always the answer (its status listed for the operation, its documented headers present when
 * required and valid, its body valid against the schema of its content type). The schemas are checked by networknt's
 * JSON Schema 2020-12 validator (OpenAPI 3.1's dialect); what is written here is only the walk from a request to the
 * document's schema for it, which Atlassian's validator would do but whose OpenAPI 3.1 line needs Java 21 (pom.xml).
 * Records which operation answered which statuses, so a test can tell which operations it has not driven.
 */
final class OpenApiExchanges {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final JsonNode document;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemaAt = new HashMap<>();
    private final List<String> documentedPaths;
    private final Map<String, Set<Integer>> statuses = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    OpenApiExchanges(int port, String document, List<String> documentedPaths) {
        this.base = "http://127.0.0.1:" + port;
        try {
            this.document = new YAMLMapper().readTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.documentedPaths = List.copyOf(documentedPaths);
    }

    /** One request, as the caller will send it. */
    record Call(String method, String pathAndQuery, String bearer, String contentType, byte[] body, List<String> headers) {
        static Call get(String pathAndQuery, String bearer, String... headerPairs) {
            return new Call("GET", pathAndQuery, bearer, null, null, List.of(headerPairs));
        }

        static Call post(String pathAndQuery, String bearer, String contentType, String body, String... headerPairs) {
            return new Call("POST", pathAndQuery, bearer, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    List.of(headerPairs));
        }

        String path() {
            int q = pathAndQuery.indexOf('?');
            return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        }

        @Override
        public String toString() {
            return method + " " + pathAndQuery;
        }
    }

    /** Sends a request the document allows; both it and the answer must conform. */
    Response valid(Call call) {
        return exchange(call, true);
    }

    /** Sends a request the document does not allow (no credential, a bad parameter …): only the answer must conform. */
    Response refused(Call call) {
        return exchange(call, false);
    }

    private Response exchange(Call call, boolean requestConforms) {
        Response response = send(call);
        String template = template(call.path());
        String pointer = "/paths/" + escape(template) + "/" + call.method().toLowerCase(Locale.ROOT);
        List<String> problems = new ArrayList<>();
        JsonNode operation = document.at(pointer);
        if (operation.isMissingNode()) {
            problems.add("no documented operation " + call.method() + " " + template);
        } else {
            if (requestConforms) {
                checkRequest(call, pointer, operation, problems);
            }
            checkResponse(response, pointer + "/responses/" + response.status(), problems);
        }
        if (!problems.isEmpty()) {
            failures.add(call + " → " + problems + " (answer " + response + ")");
        }
        statuses.computeIfAbsent(call.method() + " " + template, k -> new TreeSet<>()).add(response.status());
        return response;
    }

    private void checkRequest(Call call, String pointer, JsonNode operation, List<String> problems) {
        Map<String, String> query = new HashMap<>();
        int q = call.pathAndQuery().indexOf('?');
        if (q >= 0) {
            for (String pair : call.pathAndQuery().substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        List<JsonNode> parameters = new ArrayList<>();
        document.at(pointer.substring(0, pointer.lastIndexOf('/')) + "/parameters").forEach(p -> parameters.add(resolved(p)));
        operation.path("parameters").forEach(p -> parameters.add(resolved(p)));
        for (JsonNode p : parameters) {
            if ("query".equals(p.path("in").asText())) {
                String value = query.remove(p.path("name").asText());
                if (value == null && p.path("required").asBoolean()) {
                    problems.add("required query parameter " + p.path("name").asText() + " missing");
                }
            }
        }
        if (!query.isEmpty()) {
            problems.add("query parameters not documented: " + query.keySet());
        }
        if (call.body() != null) {
            String media = mediaType(call.contentType());
            String at = pointer + "/requestBody/content/" + escape(media);
            if (document.at(at).isMissingNode()) {
                problems.add("request content type " + media + " not documented");
            } else {
                checkJson(new String(call.body(), StandardCharsets.UTF_8), at + "/schema", "request body", problems);
            }
        }
    }

    private void checkResponse(Response response, String at, List<String> problems) {
        JsonNode documented = resolved(document.at(at));
        if (documented.isMissingNode()) {
            problems.add("status " + response.status() + " not documented");
            return;
        }
        documented.path("headers").fields().forEachRemaining(h -> {
            JsonNode header = resolved(h.getValue());
            String value = response.header(h.getKey()).orElse(null);
            if (value == null) {
                if (header.path("required").asBoolean()) {
                    problems.add("required header " + h.getKey() + " missing");
                }
                return;
            }
            JsonNode schema = header.path("schema");
            String json = "integer".equals(schema.path("type").asText()) ? value : com.fasterxml.jackson.databind.node.TextNode.valueOf(value).toString();
            checkJson(json, pointerOf(h.getValue(), at + "/headers/" + escape(h.getKey())) + "/schema", "header " + h.getKey(), problems);
        });
        String media = mediaType(response.contentType());
        if (response.body().isEmpty() && media.equals("text/event-stream")) {
            return; // a stream: its headers are in, its body never ends
        }
        String content = pointerOf(document.at(at), at) + "/content/" + escape(media);
        if (document.at(content).isMissingNode()) {
            problems.add("answer content type " + response.contentType() + " not documented for this status");
        } else if (media.equals("application/json") || media.endsWith("+json")) {
            checkJson(response.body(), content + "/schema", "answer body", problems);
        }
    }

    private void checkJson(String json, String schemaPointer, String what, List<String> problems) {
        JsonNode instance;
        try {
            instance = HttpApi.JSON.readTree(json);
        } catch (IOException e) {
            problems.add(what + " is not JSON: " + e.getMessage());
            return;
        }
        JsonSchema schema = schemaAt.computeIfAbsent(schemaPointer, p -> {
            // The whole document as the root, so #/components/... references resolve; the root's $ref picks the schema.
            ObjectNode root = document.deepCopy();
            root.put("$ref", "#" + p);
            return schemas.getSchema(root);
        });
        Set<ValidationMessage> messages = schema.validate(instance);
        if (!messages.isEmpty()) {
            problems.add(what + ": " + messages.stream().map(ValidationMessage::getMessage).toList());
        }
    }

    /** A $ref's target (a response or header component), else the node itself. */
    private JsonNode resolved(JsonNode node) {
        return node.has("$ref") ? document.at(node.path("$ref").asText().substring(1)) : node;
    }

    private static String pointerOf(JsonNode node, String at) {
        return node.has("$ref") ? node.path("$ref").asText().substring(1) : at;
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The documented path the request's path falls under: a literal match first, then one with {parameters}. */
    String template(String path) {
        if (documentedPaths.contains(path)) {
            return path;
        }
        String[] given = path.split("/", -1);
        for (String t : documentedPaths) {
            String[] segments = t.split("/", -1);
            boolean match = segments.length == given.length;
            for (int i = 0; match && i < segments.length; i++) {
                match = segments[i].startsWith("{") ? !given[i].isEmpty() : segments[i].equals(given[i]);
            }
            if (match) {
                return t;
            }
        }
        return path + " (no documented path)";
    }

    /**
     * Sends {@code call}. A {@code text/event-stream} answer is not read to its end (it has none): its body is left
     * empty once the status and headers are in.
     */
    private Response send(Call call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call.pathAndQuery())).timeout(Duration.ofSeconds(30))
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        if (call.bearer() != null) {
            b.header("Authorization", "Bearer " + call.bearer());
        }
        if (call.contentType() != null) {
            b.header("Content-Type", call.contentType());
        }
        for (int i = 0; i < call.headers().size(); i += 2) {
            b.header(call.headers().get(i), call.headers().get(i + 1));
        }
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                String body = stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Response(r.statusCode(), r.headers(), body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(call.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every exchange that did not conform, with the validator's messages. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** "METHOD /documented/path" → the statuses it answered. */
    Map<String, Set<Integer>> statuses() {
        return Map.copyOf(statuses);
    }
}
