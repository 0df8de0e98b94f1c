package dev.incidentgateway.ingest;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An inbound webhook request as received, before anything trusts it: the source it was addressed to
 * ({@code /webhooks/<source>}), its headers (looked up case-insensitively) and the exact body bytes
 * (signatures are computed over them).
 */
public record WebhookRequest(String source, Map<String, String> headers, byte[] body) {

    public WebhookRequest {
        if (!(headers instanceof TreeMap<String, String> sorted && sorted.comparator() == String.CASE_INSENSITIVE_ORDER
                && !sorted.containsValue(null))) {
            Map<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((k, v) -> {
                if (k != null && v != null) {
                    folded.put(k, v);
                }
            });
            headers = folded;
        }
        // A map folded so already (the HTTP edge's, ApiRequest#headers) is taken as it is, read-only: each request's
        // headers were copied three times before its route ran.
        headers = Collections.unmodifiableMap(headers);
    }

    /** A header's value, or {@code null}; names are case-insensitive. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The media type of the body, lower-case, without parameters ({@code application/json}), or "". */
    public String mediaType() {
        String type = header("Content-Type");
        return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }
}
