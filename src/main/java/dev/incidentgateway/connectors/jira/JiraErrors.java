package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.http.VendorHttp;
import dev.incidentgateway.connectors.http.HttpReply;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Jira's error body, {@code {"errorMessages":["..."],"errors":{"field":"message"}}} (REST v3
 * ErrorCollection), into one line for the dead-letter reason: {@code Issue does not exist; summary: You must
 * specify a summary of the issue.}. Bodies that are not that shape (HTML from a proxy, plain text) are
 * reduced to one line (cut when the reason is scrubbed, {@link VendorHttp#scrub}).
 */
final class JiraErrors {

    private JiraErrors() {
    }

    static String reason(HttpReply reply) {
        String text = reply.text();
        if (text.isBlank()) {
            return "";
        }
        JsonNode body = VendorHttp.json(reply);
        if (body.isObject() && (body.has("errorMessages") || body.has("errors"))) {
            List<String> parts = new ArrayList<>();
            body.path("errorMessages").forEach(m -> parts.add(m.asText()));
            body.path("errors").properties().forEach(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
            if (!parts.isEmpty()) {
                return VendorHttp.oneLine(String.join("; ", parts));
            }
        }
        if (body.isObject() && body.hasNonNull("message")) {
            return VendorHttp.oneLine(body.get("message").asText());
        }
        return VendorHttp.oneLine(text);
    }
}
