package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.ingest.poll.FirstSyncWindow;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ServiceNow poller's settings: the instance and integration user from the environment (the sink's
 * {@code SERVICENOW_URL/USER/PASSWORD}), {@code SERVICENOW_POLL_INTERVAL}, and the optional {@code source:}
 * block of {@code connectors/servicenow.yaml}:
 * <pre>
 *   source:
 *     pageSize: 100              # records per page (sysparm_limit), 1..10000
 *     overlapSeconds: 120        # re-read this far behind the watermark (clock skew, late commits)
 *     firstSyncHours: 24         # the first sync (no watermark yet) reads the records updated in this many hours
 *     query: "assignment_group=..."   # extra encoded query, ANDed (no ^NQ, no ORDERBY)
 *     incidentPrefix: SN         # incidents declared from ServiceNow get the id SN-<digits of number>
 *     states: { 2: ack, 6: resolve, 7: close }   # incident.state → event (ack, mitigate, resolve, close)
 * </pre>
 * The descriptor's {@code severity} map (used by the sink) is read backwards to give declared incidents a
 * severity from urgency/impact.
 */
record ServiceNowPollSettings(ServiceNowSettings instance, Duration interval, int pageSize,
                              Duration overlap, Duration firstSync, String query, String incidentPrefix, Map<String, EventType> states,
                              Map<String, Severity> severityByLevels) {
    /** The descriptor keys the ServiceNow poller reads. */
    static final DescriptorKeys KEYS = DescriptorKeys.of("source", "severity");

    private static final String FILE = "connectors/servicenow.yaml";
    private static final Set<EventType> STATE_EVENTS = EnumSet.of(EventType.ACK, EventType.MITIGATE, EventType.RESOLVE,
            EventType.CLOSE);

    /** @return the settings, or {@code null} when the poller is off (credentials not all set, or interval 0) */
    static ServiceNowPollSettings from(JsonNode descriptor, Map<String, String> env) {
        ServiceNowSettings instance = ServiceNowSettings.from(env);
        if (!instance.complete()) {
            return null;
        }
        Duration interval = ConnectorSettings.seconds(ServiceNowSettings.POLL_INTERVAL, env,
                ServiceNowSettings.POLL_INTERVAL.env() + " must be a whole number of seconds (0 turns the ServiceNow poller off)");
        if (interval.isZero()) {
            return null;
        }
        instance.checkUrl();
        JsonNode d = descriptor == null ? JsonNodeFactory.instance.objectNode() : descriptor;
        JsonNode source = KEYS.path(d, "source");
        if (!source.isMissingNode() && !source.isNull() && !source.isObject()) {
            throw new ConfigException(FILE + ": source must be a mapping (pageSize, overlapSeconds, firstSyncHours, query, states)");
        }
        int pageSize = integer(source, "pageSize", 100, 1, 10_000);
        int overlap = integer(source, "overlapSeconds", 120, 0, 86_400);
        String query = source.path("query").asText("").trim();
        if (query.contains("^NQ") || query.contains("ORDERBY")) {
            throw new ConfigException(FILE + ": source.query is ANDed with the poll's own query: ^NQ and ORDERBY are not allowed");
        }
        String prefix = source.path("incidentPrefix").asText("SN").trim();
        if (!prefix.matches("[A-Z][A-Z0-9]*")) {
            throw new ConfigException(FILE + ": source.incidentPrefix must match [A-Z][A-Z0-9]*, got '" + prefix + "'");
        }
        return new ServiceNowPollSettings(instance, interval, pageSize,
                Duration.ofSeconds(overlap), FirstSyncWindow.read(source, FILE), query, prefix, states(source.path("states")), severities(KEYS.path(d, "severity")));
    }

    String baseUrl() {
        return instance.baseUrl();
    }

    String user() {
        return instance.user();
    }

    private static int integer(JsonNode source, String key, int fallback, int min, int max) {
        JsonNode v = source.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        boolean number = v.isIntegralNumber() && v.canConvertToInt() || v.isTextual() && v.asText().trim().matches("-?\\d{1,9}");
        if (!number) {
            throw new ConfigException(FILE + ": source." + key + " must be a whole number, got '" + v.asText() + "'");
        }
        int i = v.isTextual() ? Integer.parseInt(v.asText().trim()) : v.asInt();
        if (i < min || i > max) {
            throw new ConfigException(FILE + ": source." + key + " must be between " + min + " and " + max + ", got " + i);
        }
        return i;
    }

    private static Map<String, EventType> states(JsonNode node) {
        Map<String, EventType> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            out.put(ServiceNowRecordMapper.STATE_IN_PROGRESS, EventType.ACK);
            out.put(ServiceNowRecordMapper.STATE_RESOLVED, EventType.RESOLVE);
            out.put(ServiceNowRecordMapper.STATE_CLOSED, EventType.CLOSE);
            return out;
        }
        if (!node.isObject()) {
            throw new ConfigException(FILE + ": source.states must map incident states to events, e.g. {2: ack, 6: resolve, 7: close}");
        }
        node.fields().forEachRemaining(f -> {
            EventType type = EventType.fromWire(f.getValue().asText()).filter(STATE_EVENTS::contains).orElseThrow(() ->
                    new ConfigException(FILE + ": source.states." + f.getKey() + " must be ack, mitigate, resolve or close, got '"
                            + f.getValue().asText() + "'"));
            if (!f.getKey().matches("-?\\d+")) {
                throw new ConfigException(FILE + ": source.states keys are incident.state values (numbers), got '" + f.getKey() + "'");
            }
            out.put(f.getKey(), type);
        });
        return out;
    }

    /** "urgency/impact" → severity, from the sink's {@code severity} map (defaults as the sink's). */
    private static Map<String, Severity> severities(JsonNode severity) {
        Map<String, Severity> out = new LinkedHashMap<>();
        String[][] defaults = {{"1", "1"}, {"1", "2"}, {"2", "2"}, {"3", "2"}};
        for (Severity s : Severity.values()) {
            JsonNode n = severity.path(s.wireName());
            String key = n.path("urgency").asText(defaults[s.ordinal()][0]) + "/" + n.path("impact").asText(defaults[s.ordinal()][1]);
            out.putIfAbsent(key, s);
        }
        return out;
    }

    /**
     * The severity of a record: its urgency/impact pair as the descriptor maps it, else by ServiceNow's default
     * priority lookup (urgency + impact: 2 → sev1, 3 → sev2, 4 → sev3, more → sev4).
     */
    Severity severityOf(String urgency, String impact) {
        Severity exact = severityByLevels.get(urgency + "/" + impact);
        if (exact != null) {
            return exact;
        }
        try {
            int sum = Integer.parseInt(urgency.trim()) + Integer.parseInt(impact.trim());
            return sum <= 2 ? Severity.SEV1 : sum == 3 ? Severity.SEV2 : sum == 4 ? Severity.SEV3 : Severity.SEV4;
        } catch (NumberFormatException e) {
            return Severity.DEFAULT;
        }
    }
}
