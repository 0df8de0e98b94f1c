package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.api.ApiProblem;

/**
 * One item of a payload and the JSONPath of its root in the body ({@code $}, or {@code $.alerts[1]} inside
 * {@code items}), so that a 400 names the field as the sender sees it.
 */
record Item(JsonNode node, String prefix) {

    /** The body-level path of an item-relative expression: {@code $.fingerprint} → {@code $.alerts[1].fingerprint}. */
    String field(String expression) {
        return prefix + expression.substring(1);
    }

    /** The text at {@code path}; 400 naming it when absent, not text, or longer than {@code max}. */
    String required(FieldPath path, String what, int max) {
        String text = identity(path, what, max);
        if (text == null) {
            throw ApiProblem.invalidField(field(path.display()), what + " is required; nothing at "
                    + String.join(" or ", path.expressions().stream().map(this::field).toList()));
        }
        return text;
    }

    /** The text at {@code path}, or {@code null} when absent; 400 naming it when not text or longer than {@code max}. */
    String identity(FieldPath path, String what, int max) {
        FieldPath.Hit hit = path == null ? null : path.first(node);
        if (hit == null) {
            return null;
        }
        String text = text(hit, what);
        if (text.length() > max) {
            throw ApiProblem.invalidField(field(hit.expression()), what + " at " + field(hit.expression())
                    + " is longer than " + max + " characters");
        }
        return text;
    }

    /** The text at {@code path}, or {@code null} when absent; 400 naming it when not text. */
    String optional(FieldPath path) {
        FieldPath.Hit hit = path == null ? null : path.first(node);
        return hit == null ? null : text(hit, "the value");
    }

    /**
     * Like {@link #optional} but folded into one line and cut to {@code max} characters (display fields, title and actor,
     * are not worth a rejection).
     */
    String optional(FieldPath path, int max) {
        String text = dev.incidentgateway.timeline.EventLimits.foldToOneLine(optional(path));
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private String text(FieldPath.Hit hit, String what) {
        if (!FieldPath.isText(hit.value())) {
            throw ApiProblem.invalidField(field(hit.expression()), what + " at " + field(hit.expression())
                    + " must be a string, found " + hit.value().getNodeType());
        }
        return hit.text();
    }
}
