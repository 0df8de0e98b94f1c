package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.ingest.generic.WebhookSourceMapping.SeverityRule;
import dev.incidentgateway.ingest.generic.WebhookSourceMapping.TimeFormat;
import dev.incidentgateway.ingest.generic.WebhookSourceMapping.TimePattern;
import dev.incidentgateway.ingest.generic.WebhookSourceMapping.TimeRule;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.ExternalRefProvenance;
import dev.incidentgateway.timeline.Severity;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one {@code mapping:} block, collecting every problem ({@code connectors/<name>.yaml: mapping.<key> …})
 * so that a start fails once with all of them.
 */
final class MappingReader {
    private static final Set<String> KEYS = Set.of("items", "correlationKey", "eventType", "title", "severity",
            "content", "actor", "eventId", "eventTime", "data");
    /** Types a value map may produce: state_change and role_assign need data members a mapping cannot supply. */
    private static final Set<EventType> MAPPABLE = Set.of(EventType.DECLARE, EventType.ACK, EventType.MITIGATE,
            EventType.RESOLVE, EventType.CLOSE, EventType.NOTE);
    private static final String TYPE_NAMES = Arrays.stream(EventType.values()).filter(MAPPABLE::contains)
            .map(EventType::wireName).collect(Collectors.joining(", "));
    private static final String SEVERITY_NAMES = Arrays.stream(Severity.values()).map(Severity::wireName)
            .collect(Collectors.joining(", "));

    private final String name;
    private final String file;
    private final JsonNode mapping;
    private final List<String> problems = new ArrayList<>();

    MappingReader(String name, JsonNode mapping) {
        this.name = name;
        this.file = WebhookSourceMapping.file(name);
        this.mapping = mapping;
    }

    WebhookSourceMapping read() {
        if (mapping == null || mapping.isMissingNode() || mapping.isNull() || !mapping.isObject()) {
            throw new ConfigException(file + ": mapping is required for mapper jsonpath and must be a mapping"
                    + " (with at least mapping.correlationKey and mapping.eventType)");
        }
        mapping.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                problem("mapping." + k, "is not a mapping key (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        });
        String itemsPath = null;
        JsonPath items = null;
        JsonNode itemsNode = mapping.get("items");
        if (itemsNode != null && !itemsNode.isNull()) {
            if (!itemsNode.isTextual()) {
                problem("mapping.items", "must be one JSONPath string");
            } else {
                itemsPath = itemsNode.asText();
                try {
                    items = FieldPath.compile(itemsPath);
                } catch (IllegalArgumentException e) {
                    problem("mapping.items", e.getMessage());
                }
            }
        }
        FieldPath key = paths(mapping.get("correlationKey"), "mapping.correlationKey", true);
        FieldPath typePath = null;
        Map<String, EventType> types = new LinkedHashMap<>();
        JsonNode type = mapping.get("eventType");
        if (type == null || type.isNull()) {
            problem("mapping.eventType", "is required: { path: <JSONPath>, values: { <vendor value>: <event type> } }");
        } else if (!type.isObject()) {
            problem("mapping.eventType", "must be a mapping { path: <JSONPath>, values: { <vendor value>: <event type> } }");
        } else {
            allowOnly(type, "mapping.eventType", Set.of("path", "values"));
            typePath = paths(type.get("path"), "mapping.eventType.path", true);
            types = eventTypes(type.get("values"));
        }
        FieldPath title = paths(mapping.get("title"), "mapping.title", false);
        JsonNode titleNode = mapping.get("title");
        if (title == null && (titleNode == null || titleNode.isNull()) && types.containsValue(EventType.DECLARE)) {
            problem("mapping.title", "is required: mapping.eventType.values maps to declare, and a declare needs a title");
        }
        SeverityRule severity = severity(mapping.get("severity"));
        FieldPath content = paths(mapping.get("content"), "mapping.content", false);
        FieldPath actor = paths(mapping.get("actor"), "mapping.actor", false);
        FieldPath eventId = paths(mapping.get("eventId"), "mapping.eventId", false);
        TimeRule eventTime = eventTime(mapping.get("eventTime"));
        Map<String, FieldPath> data = data(mapping.get("data"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new WebhookSourceMapping(name, items, itemsPath, key, typePath, types, title, severity, content, actor,
                eventId, eventTime, data);
    }

    private Map<String, EventType> eventTypes(JsonNode values) {
        Map<String, EventType> out = new LinkedHashMap<>();
        if (values == null || values.isNull() || !values.isObject() || values.isEmpty()) {
            problem("mapping.eventType.values", "is required: a non-empty mapping of vendor value → event type ("
                    + TYPE_NAMES + ")");
            return out;
        }
        values.fields().forEachRemaining(e -> {
            String target = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
            EventType t = EventType.fromWire(target).filter(MAPPABLE::contains).orElse(null);
            if (t == null) {
                problem("mapping.eventType.values." + e.getKey(), "'" + target + "' is not an event type a mapping can"
                        + " produce (" + TYPE_NAMES + ")");
            } else {
                out.put(e.getKey(), t);
            }
        });
        return out;
    }

    private SeverityRule severity(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            FieldPath path = paths(node, "mapping.severity", true);
            return path == null ? null : new SeverityRule(path, Map.of(), Severity.DEFAULT);
        }
        allowOnly(node, "mapping.severity", Set.of("path", "values", "default"));
        FieldPath path = paths(node.get("path"), "mapping.severity.path", true);
        Map<String, Severity> values = new LinkedHashMap<>();
        JsonNode v = node.get("values");
        if (v != null && !v.isNull()) {
            if (!v.isObject()) {
                problem("mapping.severity.values", "must be a mapping of vendor value → severity (" + SEVERITY_NAMES + ")");
            } else {
                v.fields().forEachRemaining(e -> severityName(e.getValue(), "mapping.severity.values." + e.getKey())
                        .ifPresent(s -> values.put(e.getKey(), s)));
            }
        }
        JsonNode d = node.get("default");
        Severity fallback = d == null || d.isNull() ? Severity.DEFAULT
                : severityName(d, "mapping.severity.default").orElse(Severity.DEFAULT);
        return path == null ? null : new SeverityRule(path, values, fallback);
    }

    private Optional<Severity> severityName(JsonNode value, String key) {
        String text = value.isTextual() ? value.asText() : value.toString();
        Optional<Severity> s = Severity.fromWire(text);
        if (s.isEmpty()) {
            problem(key, "'" + text + "' is not a severity (" + SEVERITY_NAMES + ")");
        }
        return s;
    }

    private TimeRule eventTime(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            FieldPath path = paths(node, "mapping.eventTime", true);
            return path == null ? null : new TimeRule(path, TimeFormat.ISO_8601);
        }
        allowOnly(node, "mapping.eventTime", Set.of("path", "format", "pattern", "zone"));
        FieldPath path = paths(node.get("path"), "mapping.eventTime.path", true);
        TimeFormat format = TimeFormat.ISO_8601;
        JsonNode f = node.get("format");
        JsonNode p = node.get("pattern");
        boolean patterned = p != null && !p.isNull();
        if (f != null && !f.isNull()) {
            format = TimeFormat.fromWire(f.asText());
            if (patterned) {
                problem("mapping.eventTime.format", "and mapping.eventTime.pattern are two ways to say one thing: keep one");
            } else if (format == null) {
                problem("mapping.eventTime.format", "'" + f.asText() + "' is not a time format (iso-8601, epoch-millis,"
                        + " epoch-seconds); a time written another way takes mapping.eventTime.pattern");
            }
        }
        JsonNode z = node.get("zone");
        if (z != null && !z.isNull() && !patterned) {
            problem("mapping.eventTime.zone", "applies to a mapping.eventTime.pattern only (ISO-8601 and epoch times carry their own)");
        }
        TimePattern pattern = patterned ? timePattern(p, z) : null;
        return path == null || format == null || (patterned && pattern == null) ? null : new TimeRule(path, format, pattern);
    }

    /**
     * {@code mapping.eventTime.pattern} (a java.time pattern) and {@code zone} (UTC when absent), checked at the start: a
     * pattern Java refuses, or one that does not give a date and a time of day, would fail every delivery with a 400.
     */
    private TimePattern timePattern(JsonNode p, JsonNode z) {
        ZoneId zone = ZoneOffset.UTC;
        if (z != null && !z.isNull()) {
            try {
                zone = ZoneId.of(z.asText());
            } catch (DateTimeException e) {
                problem("mapping.eventTime.zone", "'" + z.asText() + "' is not a time zone (UTC, Europe/Berlin, +02:00): " + e.getMessage());
                return null;
            }
        }
        String text = p.asText();
        DateTimeFormatter formatter;
        try {
            formatter = DateTimeFormatter.ofPattern(text, Locale.ROOT).withZone(zone);
        } catch (IllegalArgumentException e) {
            problem("mapping.eventTime.pattern", "'" + text + "' is not a date-time pattern: " + e.getMessage());
            return null;
        }
        try { // what it writes it must read back as an instant: a date without a time of day cannot be placed
            formatter.parse(formatter.format(Instant.parse("2026-12-03T16:00:00.123Z")), Instant::from);
        } catch (DateTimeException e) {
            problem("mapping.eventTime.pattern", "'" + text + "' does not give a date and a time of day (e.g. yyyy-MM-dd HH:mm:ss.SSS)");
            return null;
        }
        return new TimePattern(text, zone, formatter);
    }

    private Map<String, FieldPath> data(JsonNode node) {
        Map<String, FieldPath> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problem("mapping.data", "must be a mapping of data member name → JSONPath");
            return out;
        }
        node.fields().forEachRemaining(e -> {
            if (e.getKey().equals(ExternalRefProvenance.FIELD)) {
                // From a payload it would let the sender pick the ticket the gateway writes into; the store refuses it.
                problem("mapping.data." + e.getKey(), "is set by a connector's poller only (it links the incident to an "
                        + "existing ticket): map the value to another name");
                return;
            }
            FieldPath p = paths(e.getValue(), "mapping.data." + e.getKey(), true);
            if (p != null) {
                out.put(e.getKey(), p);
            }
        });
        return out;
    }

    /** A JSONPath string or a non-empty list of them; {@code null} (with a problem when required) if absent. */
    private FieldPath paths(JsonNode node, String key, boolean required) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (required) {
                problem(key, "is required: a JSONPath such as \"$.id\", or a list of them tried in order");
            }
            return null;
        }
        List<String> expressions = new ArrayList<>();
        if (node.isTextual()) {
            expressions.add(node.asText());
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode e : node) {
                if (!e.isTextual()) {
                    problem(key, "must be a JSONPath string or a list of JSONPath strings; found " + e);
                    return null;
                }
                expressions.add(e.asText());
            }
        } else {
            problem(key, "must be a JSONPath string or a non-empty list of JSONPath strings");
            return null;
        }
        try {
            return FieldPath.of(expressions);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return null;
        }
    }

    private void allowOnly(JsonNode node, String at, Set<String> keys) {
        node.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                problem(at + "." + k, "is not a key of " + at + " (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        });
    }

    private void problem(String key, String detail) {
        problems.add(file + ": " + key + " " + detail);
    }
}
