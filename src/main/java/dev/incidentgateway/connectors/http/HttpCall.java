package dev.incidentgateway.connectors.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP request a sink wants sent: method, absolute URL (query included), headers, body. */
public record HttpCall(String method, String url, Map<String, String> headers, byte[] body) {

    public static HttpCall get(String url, Map<String, String> headers) {
        return new HttpCall("GET", url, headers, null);
    }

    public static HttpCall json(String method, String url, Map<String, String> headers, String json) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/json; charset=utf-8");
        h.put("Accept", "application/json");
        return new HttpCall(method, url, h, json.getBytes(StandardCharsets.UTF_8));
    }
}
