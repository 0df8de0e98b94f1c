package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Field rules that depend on the event type, checked by the store so that every entry point (REST,
 * webhooks, pollers) gets the same answer: a declare needs a title, a state_change a valid
 * {@code data.to}, a role_assign {@code data.role} and {@code data.assignee}, a note its content.
 */
final class EventRules {
    private EventRules() {
    }

    /** @return the target status of a state_change, else {@code null} */
    static IncidentStatus check(NewEvent e, ObjectNode data) {
        switch (e.type()) {
            case DECLARE -> {
                if (e.title() == null || e.title().isBlank()) {
                    throw new InvalidEventException("title", "a declare needs a non-empty title");
                }
            }
            case STATE_CHANGE -> {
                String to = text(data, "data.to");
                IncidentStatus target = IncidentStatus.fromWire(to).orElseThrow(() -> new InvalidEventException("data.to",
                        "data.to must be one of declared, acknowledged, mitigated, resolved, closed; got '" + to + "'"));
                if (data.has("reason") && !data.get("reason").isTextual()) {
                    throw new InvalidEventException("data.reason", "data.reason must be a string");
                }
                return target;
            }
            case ROLE_ASSIGN -> {
                text(data, "data.role");
                text(data, "data.assignee");
            }
            case NOTE -> {
                if (e.content() == null || e.content().isBlank()) { // a note is its content: without it nothing is recorded
                    throw new InvalidEventException("content", "a note needs a non-empty content");
                }
            }
            default -> {
            }
        }
        return null;
    }

    private static String text(ObjectNode data, String field) {
        JsonNode v = data.get(field.substring("data.".length()));
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidEventException(field, field + " is required and must be a non-empty string");
        }
        return v.asText();
    }
}
