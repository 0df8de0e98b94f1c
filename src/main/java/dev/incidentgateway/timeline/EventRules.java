package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Field rules that depend on the event type, checked by the store so that every entry point (REST,
 * webhooks, pollers) gets the same answer: a declare needs a title, a state_change a valid
 * {@code data.to} and/or {@code data.severity}, a role_assign {@code data.role} and {@code data.assignee}, a note its content.
 */
final class EventRules {
    /** Written by the store into a severity change's data: the severity it replaced (messages say "sev3 → sev1"). */
    static final String PREVIOUS_SEVERITY = "previousSeverity";
    /**
     * Written by the store into every declare's data: the correlation key the declare bound, or JSON null when it bound
     * none. The log then says which key each incident holds, so verify can check {@code correlation_keys} against it
     * (a declare without the field is from before it was recorded).
     */
    static final String CORRELATION_KEY = "correlationKey";

    private EventRules() {
    }

    /**
     * What a state_change asks for: a new status, a new severity, or both ({@code null} where not asked).
     * The state machine decides whether the incident may take it ({@link IncidentStateMachine#next}).
     */
    record StateChange(IncidentStatus to, Severity severity) {
    }

    /** @return what a state_change asks for, else {@code null} */
    static StateChange check(NewEvent e, ObjectNode data) {
        switch (e.type()) {
            case DECLARE -> {
                if (e.title() == null || e.title().isBlank()) {
                    throw new InvalidEventException("title", "a declare needs a non-empty title");
                }
            }
            case STATE_CHANGE -> {
                return stateChange(data);
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

    private static StateChange stateChange(ObjectNode data) {
        boolean hasTo = data.hasNonNull("to");
        boolean hasSeverity = data.hasNonNull("severity");
        if (!hasTo && !hasSeverity) {
            // Starts with the field's name, so a mapper's answer names it where the sender put it (EventLimits.checkAsSent).
            throw new InvalidEventException("data", "data of a state_change must have to (declared, acknowledged, mitigated, "
                    + "resolved, closed) or severity (sev1, sev2, sev3, sev4), or both");
        }
        IncidentStatus target = null;
        if (hasTo) {
            String to = text(data, "data.to");
            target = IncidentStatus.fromWire(to).orElseThrow(() -> new InvalidEventException("data.to",
                    "data.to must be one of declared, acknowledged, mitigated, resolved, closed; got '" + to + "'"));
        }
        Severity severity = null;
        if (hasSeverity) {
            String name = text(data, "data.severity");
            severity = Severity.fromWire(name).orElseThrow(() -> new InvalidEventException("data.severity",
                    "data.severity must be one of sev1, sev2, sev3, sev4; got '" + name + "'"));
        }
        if (data.has("reason") && !data.get("reason").isTextual()) {
            throw new InvalidEventException("data.reason", "data.reason must be a string");
        }
        return new StateChange(target, severity);
    }

    private static String text(ObjectNode data, String field) {
        JsonNode v = data.get(field.substring("data.".length()));
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidEventException(field, field + " is required and must be a non-empty string");
        }
        return v.asText();
    }
}
