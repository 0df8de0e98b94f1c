package dev.incidentgateway.api;

import java.util.Map;

/** What a handler answers: status, content type, body, and any extra headers (Location, Link). */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, "application/json", body, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, body, h);
    }
}
