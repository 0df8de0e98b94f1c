package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated {@code mapping:} block of a {@code mapper: jsonpath} webhook-source descriptor (the format is
 * described on {@link JsonPathWebhookMapper}). Built only by {@link #fromDescriptor}, which fails with a
 * {@link dev.incidentgateway.config.ConfigException} naming every bad key, so that a broken descriptor stops
 * the start rather than answering 400 to every delivery.
 *
 * @param name           the source name: the key prefix ({@code <name>:<value>}) and {@code /webhooks/<name>}
 * @param items          selects several items in one payload, or {@code null} when the body is one item
 * @param itemsPath      the {@code items} expression as written, or {@code null}
 * @param correlationKey required
 * @param eventType      where the vendor's event type is read; looked up in {@code eventTypes}
 * @param eventTypes     vendor value → event type; a value not listed skips the item
 * @param title          required when some vendor value maps to declare, else {@code null} if absent
 * @param severity       for declares; {@code null} means every declare gets {@link Severity#DEFAULT}
 * @param content        optional
 * @param actor          optional; default: the source name
 * @param eventId        optional; default: a SHA-256 of key, type and item
 * @param eventTime      optional
 * @param data           event data members copied from the item (name → path); may be empty
 */
public record WebhookSourceMapping(String name, JsonPath items, String itemsPath, FieldPath correlationKey,
                                   FieldPath eventType, Map<String, EventType> eventTypes, FieldPath title,
                                   SeverityRule severity, FieldPath content, FieldPath actor, FieldPath eventId,
                                   TimeRule eventTime, Map<String, FieldPath> data) {

    public WebhookSourceMapping {
        eventTypes = Map.copyOf(eventTypes);
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /**
     * Parses and validates a descriptor's {@code mapping:} node.
     *
     * @param name    the source name; messages name {@code connectors/<name>.yaml mapping.<key>}
     * @param mapping the {@code mapping:} node (missing or {@code null} is an error)
     * @throws dev.incidentgateway.config.ConfigException for a missing required key, an unknown key, an invalid
     *         JSONPath, or a value-map target that is not an event type / severity
     */
    public static WebhookSourceMapping fromDescriptor(String name, JsonNode mapping) {
        return new MappingReader(name, mapping).read();
    }

    /** The file a problem is reported against. */
    static String file(String name) {
        return "connectors/" + name + ".yaml";
    }

    /**
     * Severity of a declare: the value at {@code path} looked up in {@code values}; with no {@code values}, the
     * value itself must be a severity name ({@code sev1}..{@code sev4}); anything else gets {@code fallback}.
     */
    public record SeverityRule(FieldPath path, Map<String, Severity> values, Severity fallback) {
        public SeverityRule {
            values = Map.copyOf(values);
        }

        Severity of(String value) {
            if (value == null) {
                return fallback;
            }
            Severity mapped = values.isEmpty() ? Severity.fromWire(value).orElse(null) : values.get(value);
            return mapped == null ? fallback : mapped;
        }
    }

    /**
     * Where the event time is read and how it is written: one of the {@link TimeFormat}s, or the operator's
     * {@code pattern} ({@code mapping.eventTime.pattern}) when not null.
     */
    public record TimeRule(FieldPath path, TimeFormat format, TimePattern pattern) {
        public TimeRule(FieldPath path, TimeFormat format) {
            this(path, format, null);
        }
    }

    /**
     * A {@link java.time.format.DateTimeFormatter} pattern ({@code yyyy-MM-dd HH:mm:ss.SSS}, Uptime Kuma's) and the zone of
     * a time it reads without an offset or zone ({@code mapping.eventTime.zone}, UTC by default); a time that carries
     * its own offset keeps it.
     */
    public record TimePattern(String text, java.time.ZoneId zone, java.time.format.DateTimeFormatter formatter) {
    }

    /** How a time value is written in the payload. */
    public enum TimeFormat {
        /** ISO-8601 / RFC 3339 with an offset or {@code Z}: {@code 2020-10-02T18:45:22.169Z}. */
        ISO_8601("iso-8601"),
        /** Milliseconds since the epoch, as a number or a string of digits (Datadog's {@code $DATE}). */
        EPOCH_MILLIS("epoch-millis"),
        /** Seconds since the epoch, possibly with a fraction. */
        EPOCH_SECONDS("epoch-seconds");

        private final String wire;

        TimeFormat(String wire) {
            this.wire = wire;
        }

        public String wireName() {
            return wire;
        }

        static TimeFormat fromWire(String wire) {
            for (TimeFormat f : values()) {
                if (f.wire.equals(wire)) {
                    return f;
                }
            }
            return null;
        }
    }
}
