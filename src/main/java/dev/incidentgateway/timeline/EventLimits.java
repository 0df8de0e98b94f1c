package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The one declaration of what an event's fields may hold, checked by the store before anything reaches the
 * database, so every entry point (REST, webhook mappers, CloudEvents, JSONPath sources, pollers) gets the same
 * 400 naming the field instead of the database's "value too long" (a 503 senders would retry forever).
 * Lengths match the columns (V1, V2, V6 migrations) and count UTF-16 code units, which is never less than the
 * characters H2 and PostgreSQL count. NUL and lone surrogates are refused everywhere: PostgreSQL cannot store
 * NUL in text, and a lone surrogate has no UTF-8 encoding. Messages never quote the value.
 */
public final class EventLimits {
    public static final int INCIDENT_ID = 64;
    public static final int ACTOR = 256;
    public static final int TITLE = 1024;
    public static final int SOURCE = 512;
    public static final int CE_SOURCE = 512;
    public static final int CE_ID = 256;
    public static final int CE_TYPE = 256;
    public static final int CORRELATION_KEY = 512;
    public static final int PRINCIPAL = 320;
    /** incidents.commander, set from data.assignee of a role_assign. */
    public static final int ASSIGNEE = 256;
    /** content and data have no column limit; HTTP bodies are bounded by the body limit, polled records by this. */
    public static final int CONTENT = 1_048_576;
    /** JSON nesting depth of data, and of any request body (see GatewayJson). */
    public static final int JSON_DEPTH = 64;

    private EventLimits() {
    }

    /** @throws InvalidEventException naming the first field that breaks a limit */
    public static void check(NewEvent e) {
        text("incidentId", e.incidentId(), INCIDENT_ID);
        text("actor", e.actor(), ACTOR);
        text("title", e.title(), TITLE);
        text("content", e.content(), CONTENT);
        text("source", e.source(), SOURCE);
        text("ceSource", e.ceSource(), CE_SOURCE);
        text("ceId", e.ceId(), CE_ID);
        text("ceType", e.ceType(), CE_TYPE);
        text("correlationKey", e.correlationKey(), CORRELATION_KEY);
        text("principal", e.principal(), PRINCIPAL);
        if (e.type() == EventType.ROLE_ASSIGN && e.data().path("assignee").isTextual()) {
            text("data.assignee", e.data().get("assignee").asText(), ASSIGNEE);
        }
        json("data", e.data(), 1);
    }

    private static void text(String field, String value, int max) {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            throw new InvalidEventException(field, field + " is longer than " + max + " characters");
        }
        String bad = badCharacter(value);
        if (bad != null) {
            throw new InvalidEventException(field, field + " contains " + bad);
        }
    }

    /**
     * The character and depth rules for a JSON value before it is converted (the CloudEvents SDK re-encodes data,
     * silently replacing a lone surrogate); {@code field} names it in the answer.
     */
    public static void checkJson(String field, JsonNode node) {
        json(field, node, 1);
    }

    private static void json(String path, JsonNode node, int depth) {
        if (depth > JSON_DEPTH) {
            throw new InvalidEventException(path, "nested deeper than " + JSON_DEPTH + " levels");
        }
        if (node.isTextual()) {
            text(path, node.asText(), CONTENT);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String bad = badCharacter(f.getKey());
                if (bad != null) {
                    throw new InvalidEventException(path, "a key of " + path + " contains " + bad);
                }
                json(child(path, "." + f.getKey()), f.getValue(), depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                json(child(path, "[" + i + "]"), node.get(i), depth + 1);
            }
        }
    }

    /** A field name for the answer; a path a caller made absurdly long is named by its first 200 characters. */
    private static String child(String path, String step) {
        String p = path + step;
        return p.length() <= 200 ? p : p.substring(0, 200);
    }

    /** @return a description of the first NUL or lone surrogate, or {@code null} */
    static String badCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "a NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "a lone surrogate (not valid Unicode)";
            }
        }
        return null;
    }
}
