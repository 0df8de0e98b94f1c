package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

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
    /** Earliest eventTime accepted: before it, a time is a sender's placeholder or a unit mistake (seconds as ms). */
    public static final Instant EARLIEST_EVENT_TIME = Instant.parse("1970-01-01T00:00:00Z");
    /**
     * How far ahead of the gateway's clock an eventTime may lie: room for a sender's clock skew, while a time
     * years ahead (a unit mistake, or a year beyond what PostgreSQL can store) is the sender's 400, not a stored
     * event that every SLA clock and timeline order would then trust.
     */
    public static final Duration EVENT_TIME_SKEW = Duration.ofDays(1);

    private EventLimits() {
    }

    /**
     * @throws InvalidEventException naming the first field that breaks a limit, or a declare's {@code data.externalRef}
     *                               its connector's poller did not set ({@link ExternalRefProvenance})
     */
    public static void check(NewEvent e) {
        oneLine("incidentId", e.incidentId(), INCIDENT_ID);
        oneLine("actor", e.actor(), ACTOR);
        oneLine("title", e.title(), TITLE);
        text("content", e.content(), CONTENT); // notes keep their line breaks
        oneLine("source", e.source(), SOURCE);
        oneLine("ceSource", e.ceSource(), CE_SOURCE);
        oneLine("ceId", e.ceId(), CE_ID);
        oneLine("ceType", e.ceType(), CE_TYPE);
        oneLine("correlationKey", e.correlationKey(), CORRELATION_KEY);
        oneLine("principal", e.principal(), PRINCIPAL);
        if (e.type() == EventType.ROLE_ASSIGN && e.data().path("assignee").isTextual()) {
            oneLine("data.assignee", e.data().get("assignee").asText(), ASSIGNEE);
        }
        // role and reason go into ServiceNow's and Jira's work notes and the severity-change message, line by line
        if (e.type() == EventType.ROLE_ASSIGN && e.data().path("role").isTextual()) {
            oneLine("data.role", e.data().get("role").asText(), CONTENT);
        }
        if (e.type() == EventType.STATE_CHANGE && e.data().path("reason").isTextual()) {
            oneLine("data.reason", e.data().get("reason").asText(), CONTENT);
        }
        checkJson("data", e.data());
        checkEventTime("eventTime", e.eventTime());
        ExternalRefProvenance.check(e);
    }

    /**
     * {@link #check} and the type's field rules (a declare's title, a state_change's {@code data.to}, ...), as a mapper
     * runs them before the store does, so that the answer names the sender's own field: {@code wire} maps the event's
     * field ({@code ceId}, {@code title}, {@code data.x}) to where the sender put it ({@code id}, {@code [2].data.title},
     * {@code alerts[0].fingerprint}).
     *
     * @throws InvalidEventException naming the sender's field
     */
    public static void checkAsSent(NewEvent e, UnaryOperator<String> wire) {
        try {
            check(e);
            EventRules.check(e, e.data());
        } catch (InvalidEventException x) {
            String name = wire.apply(x.field());
            String message = x.getMessage();
            throw new InvalidEventException(name, message.startsWith(x.field()) ? name + message.substring(x.field().length()) : message);
        }
    }

    /**
     * The event-time range, checked by the store and, earlier, by each mapper that reads a time so that the answer
     * names the sender's own field ({@code time}, {@code alerts[0].startsAt}, a JSONPath).
     *
     * @return {@code t}
     * @throws InvalidEventException naming {@code field} when {@code t} lies outside the range
     */
    public static Instant checkEventTime(String field, Instant t) {
        if (t != null && (t.isBefore(EARLIEST_EVENT_TIME) || t.isAfter(Instant.now().plus(EVENT_TIME_SKEW)))) {
            throw new InvalidEventException(field, field + " must lie between " + EARLIEST_EVENT_TIME
                    + " and one day after the gateway's clock");
        }
        return t;
    }

    /** Whether the one-line {@code value} is within {@code max} and holds no character the store refuses there. */
    public static boolean fits(String value, int max) {
        return value.length() <= max && badCharacter(value) == null && notOneLine(value) == null;
    }

    /**
     * {@code value} with each run of what a one-line field refuses ({@link #notOneLine}), and the spaces around it, turned
     * into one space, and
     * stripped: for a title a mapper takes from an alert's text, where a 400 would lose the alert (Alertmanager drops
     * what gets a 4xx). NUL is left for the store to refuse, as everywhere (it is no display character but broken input).
     */
    public static String foldToOneLine(String value) {
        if (value == null) {
            return null;
        }
        // Nearly every value is one line already: the scan allocates nothing, the regex a Matcher and its state per call
        // (per webhook alert). Every character ONE_LINE_REFUSED folds is one notOneLine reports, so a value it passes
        // has nothing to fold.
        return notOneLine(value) == null ? value.strip() : ONE_LINE_REFUSED.matcher(value).replaceAll(" ").strip();
    }

    /** A one-line field (a title, an actor, an id): also no line break, control or bidirectional control character. */
    private static void oneLine(String field, String value, int max) {
        text(field, value, max);
        String bad = value == null ? null : notOneLine(value);
        if (bad != null) {
            throw new InvalidEventException(field, field + " contains " + bad + ": it must be one line of plain text");
        }
    }

    /**
     * @return a description of the first character a one-line field refuses, or {@code null}: CR, LF, NEL (U+0085) and
     *     the Unicode line and paragraph separators U+2028/U+2029 (a forged line in a log, a chat message or a ticket's
     *     work note), the other C0 controls, DEL and the C1 controls U+0080–U+009F (terminal escapes: U+009B is CSI), and
     *     the bidirectional marks, embeddings, overrides and isolates U+061C, U+200E, U+200F, U+202A–U+202E,
     *     U+2066–U+2069 (text that reads otherwise than it is). ZWNJ and ZWJ (U+200C/U+200D) are allowed: Persian and
     *     Indic words and emoji sequences need them.
     */
    static String notOneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029) {
                return "a line break" + (c == '\r' || c == '\n' ? "" : String.format(Locale.ROOT, " (U+%04X)", (int) c));
            }
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                return String.format(Locale.ROOT, "a control character (U+%04X)", (int) c);
            }
            if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                return String.format(Locale.ROOT, "a bidirectional control character (U+%04X)", (int) c);
            }
        }
        return null;
    }

    /** What {@link #notOneLine} refuses, as a character class for {@link #foldToOneLine}. */
    private static final java.util.regex.Pattern ONE_LINE_REFUSED = java.util.regex.Pattern.compile(
            "(?:\\s*[\\x01-\\x1F\\x7F-\\x9F\\u2028\\u2029\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069])+\\s*");

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
        if (!jsonOk(node, 1)) {
            json(field, node, 1); // names the first value that breaks a rule
        }
    }

    /**
     * The rules of {@link #json} without naming anything: every event's data passes through here, and building each
     * field's path ({@code data.labels.severity}) as it went was strings per field per event (issue 13, allocation).
     */
    private static boolean jsonOk(JsonNode node, int depth) {
        if (depth > JSON_DEPTH) {
            return false;
        }
        if (node.isTextual()) {
            String text = node.asText();
            return text.length() <= CONTENT && badCharacter(text) == null;
        }
        if (node.isNumber()) {
            return Double.isFinite(node.asDouble()); // integers too: a 400-digit one is beyond what JSON readers take
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (badCharacter(f.getKey()) != null || !jsonOk(f.getValue(), depth + 1)) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (!jsonOk(node.get(i), depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void json(String path, JsonNode node, int depth) {
        if (depth > JSON_DEPTH) {
            throw new InvalidEventException(path, "nested deeper than " + JSON_DEPTH + " levels");
        }
        if (node.isTextual()) {
            text(path, node.asText(), CONTENT);
        } else if (node.isNumber() && !Double.isFinite(node.asDouble())) {
            // 1e999999 parses as Infinity, which JSON cannot hold: it would be stored as the string "Infinity"; an integer
            // of 310 digits is a BigInteger that most readers of the event (JavaScript, the console) cannot take
            throw new InvalidEventException(path, path + " is a number out of range (beyond ±1.8e308)");
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
