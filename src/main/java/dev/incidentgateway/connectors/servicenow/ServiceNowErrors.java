package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.outbox.HttpReply;

import java.io.IOException;

/**
 * Reads why ServiceNow refused a call. Its REST APIs answer errors with
 * {@code {"error": {"message": "...", "detail": "..."}, "status": "failure"}}; proxies and load balancers in
 * front of an instance may answer plain text or HTML instead, which is kept short.
 */
public final class ServiceNowErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 300;

    private ServiceNowErrors() {
    }

    /**
     * @return {@code "<message>: <detail>"} from the error envelope, else the start of the body (for status 0
     *         the I/O failure), or {@code null} when there is nothing to say
     */
    public static String reason(HttpReply reply) {
        String text = reply.text().trim();
        if (text.isEmpty()) {
            return null;
        }
        if (text.startsWith("{")) {
            try {
                JsonNode error = JSON.readTree(text).path("error");
                String message = error.path("message").asText("").trim();
                String detail = error.path("detail").asText("").trim();
                if (!message.isEmpty() || !detail.isEmpty()) {
                    return shorten(message.isEmpty() ? detail
                            : detail.isEmpty() || detail.equals(message) ? message : message + ": " + detail);
                }
            } catch (IOException e) {
                // not the envelope: fall through to the raw text
            }
        }
        return shorten(text.startsWith("<") ? text.replaceAll("<[^>]*>", " ") : text);
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= MAX ? one : one.substring(0, MAX) + "…";
    }
}
