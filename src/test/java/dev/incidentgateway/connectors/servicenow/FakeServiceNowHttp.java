package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request reading and answer writing of {@link FakeServiceNow}: JSON bodies, query strings, the error envelope. */
final class FakeServiceNowHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeServiceNowHttp() {
    }

    static JsonNode json(HttpExchange ex, byte[] body) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new FakeServiceNowTable.Refused(415, "Unsupported media type", "Content-Type must be application/json");
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new FakeServiceNowTable.Refused(400, "Exception while reading request", "The payload is not valid JSON.");
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static void result(HttpExchange ex, int status, JsonNode result, Map<String, String> headers) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("result", result);
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/json;charset=UTF-8");
        reply(ex, status, h, body.toString());
    }

    static void error(HttpExchange ex, int status, String message, String detail) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("detail", detail);
        body.put("status", "failure");
        reply(ex, status, Map.of("Content-Type", "application/json;charset=UTF-8"), body.toString());
    }

    static void reply(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }
}
