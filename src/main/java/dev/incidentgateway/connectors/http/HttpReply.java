package dev.incidentgateway.connectors.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A target's answer: status, headers (case-insensitive), body. Status 0 means no answer (I/O failure). */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {

    public HttpReply {
        Map<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        folded.putAll(headers);
        headers = folded;
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
