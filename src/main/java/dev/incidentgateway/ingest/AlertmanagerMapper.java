package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.timeline.EventLimits;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prometheus Alertmanager webhook (payload version 4) → one event per alert, correlated by
 * {@code <source>:<fingerprint>}: firing → declare (absorbed while the alert's incident is open),
 * resolved → resolve, or with the descriptor's {@code resolveOnClear: false} a note "Alert cleared: …" that leaves the
 * incident open. The CloudEvents id is fingerprint + status + startsAt/endsAt, so a redelivered
 * notification (Alertmanager re-sends every repeat_interval) never appends twice.
 */
public class AlertmanagerMapper implements WebhookMapper {
    private final String source;
    private final SeverityMapping severities;
    private final ObjectMapper json;
    /** A cleared alert resolves its incident ({@code true}), or is a note on it, which people then resolve themselves. */
    private final boolean resolveOnClear;

    public AlertmanagerMapper(String source, SeverityMapping severities, ObjectMapper json, boolean resolveOnClear) {
        this.source = source;
        this.severities = severities;
        this.json = json;
        this.resolveOnClear = resolveOnClear;
    }

    @Override
    public List<NewEvent> map(WebhookRequest request) {
        JsonNode root = parse(request.body());
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw ApiProblem.invalidField("alerts", "alerts must be an array of alerts");
        }
        List<NewEvent> events = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            events.add(toEvent(root, alerts.get(i), "alerts[" + i + "]"));
        }
        return events;
    }

    private NewEvent toEvent(JsonNode root, JsonNode alert, String at) {
        String fingerprint = text(alert, "fingerprint", at);
        String status = text(alert, "status", at);
        boolean firing = switch (status) {
            case "firing" -> true;
            case "resolved" -> false;
            default -> throw ApiProblem.invalidField(at + ".status", at + ".status must be firing or resolved, got '" + status + "'");
        };
        String time = firing ? text(alert, "startsAt", at) : text(alert, "endsAt", at);
        JsonNode labels = objectOrAbsent(alert, "labels", at);
        JsonNode annotations = objectOrAbsent(alert, "annotations", at);
        String alertname = labels.path("alertname").asText("");
        String summary = annotations.path("summary").asText("");
        // Folded, not refused: a 4xx makes Alertmanager drop the alert, and a summary is often several lines.
        String title = EventLimits.foldToOneLine(alertname.isEmpty() ? (summary.isEmpty() ? "Alert " + fingerprint : summary)
                : summary.isEmpty() ? alertname : alertname + ": " + summary);
        ObjectNode data = json.createObjectNode();
        data.set("labels", labels.isObject() ? labels : json.createObjectNode());
        data.set("annotations", annotations.isObject() ? annotations : json.createObjectNode());
        data.put("fingerprint", fingerprint);
        copyText(alert, data, "generatorURL");
        copyText(root, data, "receiver");
        copyText(root, data, "groupKey");
        addSourceSpecifics(root, alert, data);
        String webhook = "/webhooks/" + source;
        EventType type = firing ? EventType.DECLARE : resolveOnClear ? EventType.RESOLVE : EventType.NOTE;
        NewEvent event = NewEvent.builder(type, source)
                .title(firing ? title : null)
                .content(firing ? annotations.path("description").asText(null)
                        : resolveOnClear ? "Resolved at " + time : "Alert cleared: " + title)
                .severity(firing ? severities.map(labels) : null)
                .data(data)
                .eventTime(instant(time, at + (firing ? ".startsAt" : ".endsAt")))
                .correlationKey(source + ":" + fingerprint)
                .source(webhook)
                .ceId(fingerprint + ":" + status + ":" + time)
                .build();
        EventLimits.checkAsSent(event, field -> sentAs(field, at, firing, alertname, summary));
        return event;
    }

    /** {@code alert.name}: an object, or absent; anything else (a string, an array) is the sender's error, not "no labels". */
    private static JsonNode objectOrAbsent(JsonNode alert, String name, String at) {
        JsonNode node = alert.path(name);
        if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
            throw ApiProblem.invalidField(at + "." + name, at + "." + name + " must be an object of strings, found "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return node;
    }

    /**
     * Where the payload carried an event field: the answer to a value over a limit names it ({@code alerts[0].fingerprint}).
     * Called only for a field the store refuses.
     */
    private String sentAs(String eventField, String at, boolean firing, String alertname, String summary) {
        return switch (eventField) {
            case "ceId", "correlationKey" -> at + ".fingerprint";
            case "title" -> at + titleSentAs(alertname, summary);
            case "content" -> at + (firing ? ".annotations.description" : resolveOnClear ? ".endsAt" : titleSentAs(alertname, summary));
            case "eventTime" -> at + (firing ? ".startsAt" : ".endsAt");
            default -> {
                if (!eventField.startsWith("data.")) {
                    yield eventField;
                }
                String inData = eventField.substring("data.".length());
                boolean ofTheNotification = inData.matches("(receiver|groupKey|orgId|state|title)([.\\[].*)?");
                yield ofTheNotification ? inData : at + "." + inData;
            }
        };
    }

    /** The title joins alertname and summary: a title the store refuses is named by the part at fault. */
    private static String titleSentAs(String alertname, String summary) {
        if (!alertname.isEmpty() && (summary.isEmpty() || !EventLimits.fits(alertname, EventLimits.TITLE))) {
            return ".labels.alertname";
        }
        return summary.isEmpty() ? ".fingerprint" : ".annotations.summary";
    }

    /** Hook for payloads that extend Alertmanager's (Grafana): copy their extra fields into {@code data}. */
    protected void addSourceSpecifics(JsonNode root, JsonNode alert, ObjectNode data) {
    }

    protected static void copyText(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.isObject()) {
                return root;
            }
        } catch (IOException e) {
            throw ApiProblem.malformedJson("The body", e);
        }
        throw ApiProblem.malformedJson("The body must be a JSON object.");
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiProblem.invalidField(at + "." + field, at + "." + field + " is required and must be a non-empty string");
        }
        return v.asText();
    }

    private static Instant instant(String value, String field) {
        try {
            return EventLimits.checkEventTime(field, Instant.parse(value));
        } catch (DateTimeParseException e) {
            try {
                return EventLimits.checkEventTime(field, java.time.OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException e2) {
                throw ApiProblem.invalidField(field, field + " must be an RFC 3339 time, got '" + value + "'");
            }
        }
    }

    /** Maps an alert's severity label to sev1..sev4 (configurable per source). */
    public record SeverityMapping(String label, Map<String, Severity> values, Severity fallback) {
        public static final SeverityMapping DEFAULT = new SeverityMapping("severity",
                Map.of("critical", Severity.SEV1, "error", Severity.SEV2, "high", Severity.SEV2, "warning", Severity.SEV3),
                Severity.SEV4);

        /**
         * The descriptor's {@code severity:} block ({@code label}, {@code values}, {@code default}); {@link #DEFAULT}
         * when absent.
         */
        public static SeverityMapping fromDescriptor(String source, JsonNode node) {
            String file = "connectors/" + source + ".yaml";
            if (node.isMissingNode()) {
                return DEFAULT;
            }
            Map<String, Severity> values = new java.util.HashMap<>();
            node.path("values").fields().forEachRemaining(e -> values.put(e.getKey().toLowerCase(java.util.Locale.ROOT),
                    Severity.fromWire(e.getValue().asText()).orElseThrow(() -> new dev.incidentgateway.config.ConfigException(file
                            + ": severity.values." + e.getKey() + " must be sev1..sev4, got '" + e.getValue().asText() + "'"))));
            String fallback = node.path("default").asText("sev4");
            return new SeverityMapping(node.path("label").asText("severity"), values, Severity.fromWire(fallback).orElseThrow(() ->
                    new dev.incidentgateway.config.ConfigException(file + ": severity.default must be sev1..sev4")));
        }

        Severity map(JsonNode labels) {
            String v = labels.path(label).asText("").toLowerCase(java.util.Locale.ROOT);
            return values.getOrDefault(v, fallback);
        }
    }
}
