package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static dev.incidentgateway.connectors.slack.FakeSlackWorkspace.JSON;
import static dev.incidentgateway.connectors.slack.FakeSlackWorkspace.error;

/** How {@link FakeSlack} reads a request's arguments, as Slack does, and writes its answer. */
final class FakeSlackHttp {
    private FakeSlackHttp() {
    }

    /**
     * The error Slack answers a write method (chat.*) whose request is not a JSON object POSTed as
     * application/json in UTF-8, or {@code null} when it is one ({@link #jsonObject(byte[])} then reads it).
     */
    static ObjectNode jsonError(HttpExchange ex, byte[] raw) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null) {
            return error("missing_post_type");
        }
        String lower = type.toLowerCase().replace(" ", "");
        if (!"POST".equals(ex.getRequestMethod()) || !lower.startsWith("application/json")) {
            return error("invalid_post_type");
        }
        if (lower.contains("charset=") && !lower.contains("charset=utf-8")) {
            return error("invalid_charset");
        }
        JsonNode body;
        try {
            body = JSON.readTree(raw);
        } catch (IOException e) {
            return error("invalid_json");
        }
        return body == null || !body.isObject() ? error("json_not_object") : null;
    }

    static ObjectNode jsonObject(byte[] raw) {
        try {
            return (ObjectNode) JSON.readTree(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A read method's (conversations.*) arguments: the query string, and a form body
     * (application/x-www-form-urlencoded); a JSON body is ignored, as Slack does for these methods.
     */
    static Map<String, String> params(HttpExchange ex, byte[] raw) {
        Map<String, String> params = new HashMap<>();
        parse(ex.getRequestURI().getRawQuery(), params);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if ("POST".equals(ex.getRequestMethod()) && type != null
                && type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            parse(new String(raw, StandardCharsets.UTF_8), params);
        }
        return params;
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    private static void parse(String query, Map<String, String> into) {
        if (query == null || query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            into.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
    }
}
