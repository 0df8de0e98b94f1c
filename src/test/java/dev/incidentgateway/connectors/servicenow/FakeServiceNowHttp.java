package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** A list query of the fake's tables. */
    interface Lister {
        ServiceNowPollFakeQuery.Page page(String encodedQuery, List<String> fields, int limit, int offset);
    }

    /** A list GET: one page, X-Total-Count of all matches, and (when on) the Link header of a real instance. */
    static void list(HttpExchange ex, String url, boolean linkHeaders, Lister lister) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        List<String> fields = q.containsKey("sysparm_fields")
                ? Arrays.stream(q.get("sysparm_fields").split(",")).map(String::trim).toList() : List.of();
        int limit = Integer.parseInt(q.getOrDefault("sysparm_limit", "10000"));
        int offset = Integer.parseInt(q.getOrDefault("sysparm_offset", "0"));
        ServiceNowPollFakeQuery.Page page = lister.page(q.get("sysparm_query"), fields, limit, offset);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Total-Count", String.valueOf(page.total()));
        if (linkHeaders) {
            headers.put("Link", link(url, q, limit, offset, page.total()));
        }
        result(ex, 200, page.result(), headers);
    }

    /** A Table API Link header: {@code <url>;rel="first",<url>;rel="prev",<url>;rel="next",<url>;rel="last"}. */
    static String link(String base, Map<String, String> query, int limit, int offset, int total) {
        List<String> parts = new ArrayList<>();
        int last = total == 0 ? 0 : (total - 1) / Math.max(1, limit) * limit;
        parts.add(page(base, query, 0) + ";rel=\"first\"");
        if (offset > 0) {
            parts.add(page(base, query, Math.max(0, offset - limit)) + ";rel=\"prev\"");
        }
        if (offset + limit < total) {
            parts.add(page(base, query, offset + limit) + ";rel=\"next\"");
        }
        parts.add(page(base, query, last) + ";rel=\"last\"");
        return String.join(",", parts);
    }

    private static String page(String base, Map<String, String> query, int offset) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("sysparm_offset", String.valueOf(offset));
        StringBuilder url = new StringBuilder(base).append('?');
        q.forEach((k, v) -> url.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        return "<" + url.substring(0, url.length() - 1) + ">";
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
