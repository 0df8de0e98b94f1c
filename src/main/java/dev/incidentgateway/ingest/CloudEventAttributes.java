package dev.incidentgateway.ingest;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.timeline.EventLimits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The CloudEvents 1.0 context-attribute rules checked before the SDK reads an event, so every breach is a 400
 * naming the attribute (the SDK's own exceptions name nothing, and some of them escape as 500s): specversion
 * must be "1.0"; id, source and type non-empty strings; time an RFC 3339 timestamp; data_base64 valid Base64
 * and not together with data; no NUL or lone surrogate anywhere. Structured events are JSON objects; binary events carry the same attributes
 * as {@code ce-*} headers.
 */
final class CloudEventAttributes {
    private static final String[] REQUIRED = {"id", "source", "type"};

    private CloudEventAttributes() {
    }

    /** @param at the field prefix for batch items ({@code [3].}), empty otherwise */
    static void checkStructured(JsonNode event, String at) {
        if (event == null || !event.isObject()) {
            throw ApiProblem.invalidField(at.isEmpty() ? "body" : at.substring(0, at.length() - 1),
                    (at.isEmpty() ? "the body" : "batch item " + at.substring(0, at.length() - 1)) + " must be a JSON object (a CloudEvent)");
        }
        event.fields().forEachRemaining(f -> EventLimits.checkJson(at + f.getKey(), f.getValue()));
        check(name -> {
            JsonNode v = event.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw ApiProblem.invalidField(at + name, name + " must be a string");
            }
            return v.asText();
        }, at);
        if (event.hasNonNull("data_base64")) {
            if (event.hasNonNull("data")) {
                throw ApiProblem.invalidField(at + "data_base64", "an event has either data or data_base64, not both");
            }
            JsonNode b64 = event.get("data_base64");
            if (!b64.isTextual()) {
                throw ApiProblem.invalidField(at + "data_base64", "data_base64 must be a Base64 string");
            }
            try {
                Base64Variants.MIME_NO_LINEFEEDS.decode(b64.asText()); // the variant the SDK reads with
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalidField(at + "data_base64", "data_base64 is not valid Base64");
            }
        }
    }

    /** Binary mode: the attributes are {@code ce-<name>} headers. */
    static void checkBinary(WebhookRequest request) {
        check(name -> request.header("ce-" + name), "");
    }

    private static void check(Function<String, String> attribute, String at) {
        String specversion = attribute.apply("specversion");
        if (specversion == null) {
            throw ApiProblem.invalidField(at + "specversion", "specversion is required");
        }
        if (!specversion.equals("1.0")) {
            throw ApiProblem.invalidField(at + "specversion", "specversion must be 1.0");
        }
        for (String name : REQUIRED) {
            String v = attribute.apply(name);
            if (v == null || v.isEmpty()) {
                throw ApiProblem.invalidField(at + name, name + " is required and must be a non-empty string");
            }
        }
        String time = attribute.apply("time");
        if (time != null) {
            Instant t;
            try {
                t = OffsetDateTime.parse(time).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiProblem.invalidField(at + "time", "time must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
            }
            EventLimits.checkEventTime(at + "time", t);
        }
    }
}
