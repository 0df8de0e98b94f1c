package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventLimits;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;

import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns REST request bodies into {@link NewEvent}s, naming the field at fault when one is missing or of
 * the wrong shape. An unknown top-level field is refused too (400 naming it): a misspelt {@code "sevrity"} dropped
 * silently made a sev3 incident, with the wrong SLA clocks and routing. {@code data} stays free-form. {@code source}
 * is taken and ignored (old clients send it): provenance is the server's to decide (the authenticated principal,
 * recorded by the caller of this parser), so every REST event has the CloudEvents source {@code api.defaultSource}.
 * Type-specific rules (a declare needs a title, ...) are the store's, so every entry point answers alike.
 */
public final class IncidentRequestParser {
    /** Incident ids chosen by a caller: {@code PROJ-123}. */
    public static final Pattern INCIDENT_ID = Pattern.compile("[A-Z][A-Z0-9]*-[0-9]+");
    private static final int MAX_TITLE = EventLimits.TITLE;
    private static final int MAX_ACTOR = EventLimits.ACTOR;
    private static final int MAX_KEY = EventLimits.CE_ID;
    /*
     * The top-level fields each body may have: exactly those read below. The README's table lists the first six of
     * each; correlationKey (declare) is documented with correlation, and events have always read severity, so both
     * stay; so does IGNORED. The body is read as a tree, not bound to a class, so Jackson's FAIL_ON_UNKNOWN_PROPERTIES
     * does not apply: these lists are the binding.
     */
    static final List<String> DECLARE_FIELDS = List.of("title", "actor", "severity", "content", "id", "data", "correlationKey");
    static final List<String> EVENT_FIELDS = List.of("type", "actor", "title", "content", "data", "expectedSeq", "severity");
    /** Accepted for old clients and never read: provenance is the principal. */
    private static final String IGNORED = "source";
    /** An unknown name is quoted back at most this long: the body may be 1 MiB of key. */
    private static final int MAX_QUOTED_NAME = 100;

    private final ObjectMapper json;
    private final String defaultSource;

    public IncidentRequestParser(ObjectMapper json, String defaultSource) {
        this.json = json;
        this.defaultSource = defaultSource;
    }

    /** {@code POST /api/v1/incidents}: {title*, actor*, severity, content, id, data, correlationKey, source}. */
    public NewEvent declare(byte[] body, String idempotencyKey) {
        ObjectNode o = object(body, DECLARE_FIELDS);
        String id = optionalText(o, "id", 64);
        if (id != null && !INCIDENT_ID.matcher(id).matches()) {
            throw ApiProblem.invalidField("id", "id must match " + INCIDENT_ID.pattern() + " (e.g. INC-42), got '" + id + "'");
        }
        String severity = optionalText(o, "severity", 8);
        return NewEvent.builder(EventType.DECLARE, requiredText(o, "actor", MAX_ACTOR))
                .incident(id)
                .title(requiredText(o, "title", MAX_TITLE))
                .severity(severity == null ? Severity.DEFAULT : Severity.fromWire(severity).orElseThrow(() ->
                        ApiProblem.invalidField("severity", "severity must be one of sev1, sev2, sev3, sev4; got '" + severity + "'")))
                .content(optionalText(o, "content", Integer.MAX_VALUE))
                .data(optionalObject(o, "data"))
                .source(defaultSource)
                .ceId(idempotencyKey(idempotencyKey))
                .correlationKey(optionalText(o, "correlationKey", 512))
                .build();
    }

    /** {@code POST /api/v1/incidents/{id}/events}: {type*, actor*, title, content, data, expectedSeq, severity, source}. */
    public NewEvent event(String incidentId, byte[] body, String idempotencyKey) {
        ObjectNode o = object(body, EVENT_FIELDS);
        String typeName = requiredText(o, "type", 32);
        EventType type = EventType.fromWire(typeName).orElseThrow(() -> ApiProblem.invalidField("type",
                "type must be one of declare, ack, mitigate, resolve, close, note, role_assign, state_change; got '" + typeName + "'"));
        String severity = optionalText(o, "severity", 8);
        if (severity != null && type != EventType.DECLARE) {
            // The top-level field is a declare's: taken on an ack or note, it was silently dropped. A change of severity
            // is a state_change's data.severity, which the store checks for every entry point (EventRules).
            throw ApiProblem.invalidField("severity", "only a declare sets the severity this way; to change an incident's "
                    + "severity send {\"type\":\"state_change\",\"data\":{\"severity\":\"sev1\",\"reason\":\"…\"}}");
        }
        return NewEvent.builder(type, requiredText(o, "actor", MAX_ACTOR))
                .incident(incidentId)
                .title(optionalText(o, "title", MAX_TITLE))
                .content(optionalText(o, "content", Integer.MAX_VALUE))
                .severity(severity == null ? null : Severity.fromWire(severity).orElseThrow(() ->
                        ApiProblem.invalidField("severity", "severity must be one of sev1, sev2, sev3, sev4")))
                .data(optionalObject(o, "data"))
                .expectedSeq(expectedSeq(o.get("expectedSeq"), "expectedSeq"))
                .source(defaultSource)
                .ceId(idempotencyKey(idempotencyKey))
                .build();
    }

    /** The body as a JSON object having only {@code fields} at its top level; checked first, so a misspelt required field is named as the typo it is. */
    private ObjectNode object(byte[] body, List<String> fields) {
        ObjectNode o = object(body);
        for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name) && !IGNORED.equals(name)) {
                String quoted = name.length() > MAX_QUOTED_NAME ? name.substring(0, MAX_QUOTED_NAME) + "…" : name;
                throw ApiProblem.invalidField(quoted, "'" + quoted + "' is not a field of this request; its fields are "
                        + String.join(", ", fields) + " (and " + IGNORED + ", which is ignored)");
            }
        }
        return o;
    }

    private ObjectNode object(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiProblem.malformedJson("The body", e);
        }
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw ApiProblem.malformedJson("The body must be a JSON object.");
    }

    private static String requiredText(ObjectNode o, String field, int maxLength) {
        String v = optionalText(o, field, maxLength);
        if (v == null || v.isBlank()) {
            throw ApiProblem.invalidField(field, field + " is required and must be a non-empty string");
        }
        return v;
    }

    private static String optionalText(ObjectNode o, String field, int maxLength) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiProblem.invalidField(field, field + " must be a string");
        }
        if (v.asText().length() > maxLength) {
            throw ApiProblem.invalidField(field, field + " is longer than " + maxLength + " characters");
        }
        return v.asText();
    }

    private static ObjectNode optionalObject(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v instanceof ObjectNode object) {
            return object;
        }
        throw ApiProblem.invalidField(field, field + " must be a JSON object");
    }

    /**
     * {@code expectedSeq} as the REST API and CloudEvents' {@code data} carry it: absent, or a whole number >= 0. Anything
     * else is the sender's 400 naming {@code field}, never read as a number (a string or {@code true} read as 0 or 1 was
     * a 409 against a seq the sender never gave, or, on a new incident, accepted).
     */
    public static Long expectedSeq(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw ApiProblem.invalidField(field, field + " must be a whole number >= 0");
        }
        return v.asLong();
    }

    private static String idempotencyKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_KEY) {
            throw ApiProblem.invalidField("Idempotency-Key", "Idempotency-Key must be 1.." + MAX_KEY + " characters");
        }
        return key;
    }
}
