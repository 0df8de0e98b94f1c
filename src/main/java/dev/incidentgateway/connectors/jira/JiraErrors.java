package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.outbox.HttpReply;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Jira's error body, {@code {"errorMessages":["..."],"errors":{"field":"message"}}} (REST v3
 * ErrorCollection), into one line for the dead-letter reason: {@code Issue does not exist; summary: You must
 * specify a summary of the issue.}. Bodies that are not that shape (HTML from a proxy, plain text) are
 * reduced to their first characters.
 */
final class JiraErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = 300;

    private JiraErrors() {
    }

    static String reason(HttpReply reply) {
        String text = reply.text();
        if (text.isBlank()) {
            return "";
        }
        try {
            JsonNode body = JSON.readTree(text);
            if (body != null && body.isObject() && (body.has("errorMessages") || body.has("errors"))) {
                List<String> parts = new ArrayList<>();
                body.path("errorMessages").forEach(m -> parts.add(m.asText()));
                body.path("errors").properties().forEach(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
                if (!parts.isEmpty()) {
                    return shorten(String.join("; ", parts));
                }
            }
            if (body != null && body.isObject() && body.hasNonNull("message")) {
                return shorten(body.get("message").asText());
            }
        } catch (IOException notJson) {
            // fall through: not a JSON error body
        }
        return shorten(text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip());
    }

    private static String shorten(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
    }
}
