package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.ingest.poll.FirstSyncWindow;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Jira poller's settings: the sink's environment ({@code JIRA_URL}, {@code JIRA_EMAIL}, {@code JIRA_API_TOKEN},
 * {@code JIRA_PROJECT}), {@code JIRA_POLL_INTERVAL} (seconds, default 60, 0 = off) and the optional {@code source:}
 * block of {@code connectors/jira.yaml}.
 *
 * @param statusEvents status name (lower case) → event type; a status not named here maps by its category
 * @param priorities   Jira priority name (lower case) → severity, the inverse of the sink's {@code priorities}
 * @param timeZone     the zone JQL dates are read in (the account's profile zone); {@code null}: ask {@code /myself}
 */
record JiraPollConfig(JiraSettings site, Duration interval, int pageSize,
                      int overlapMinutes, Duration firstSync, String issueType, Map<String, EventType> statusEvents,
                      Map<String, Severity> priorities, ZoneId timeZone) {
    /** The descriptor keys the Jira poller reads. */
    static final DescriptorKeys KEYS = DescriptorKeys.of("source", "issueType", "priorities");


    private static final String FILE = "connectors/jira.yaml: source.";

    /** Never print the token. */
    @Override
    public String toString() {
        return "JiraPollConfig[" + site.baseUrl() + ", project=" + site.project() + ", every " + interval.toSeconds() + " s]";
    }

    /** {@code null} when the poller is off: credentials not all set, {@code JIRA_POLL_INTERVAL=0}, or {@code source.enabled: false}. */
    static JiraPollConfig from(JsonNode descriptor, Map<String, String> env) {
        JsonNode raw = descriptor == null ? MissingNode.getInstance() : descriptor;
        JsonNode src = KEYS.path(raw, "source");
        JiraSettings site = JiraSettings.from(env);
        if (!site.complete() || src.path("enabled").asText("").equals("false")) {
            return null;
        }
        List<String> problems = new ArrayList<>(site.problems());
        Duration interval = Duration.ofSeconds(JiraSettings.DEFAULT_POLL_INTERVAL_S);
        try {
            interval = ConnectorSettings.seconds(JiraSettings.POLL_INTERVAL, env,
                    JiraSettings.POLL_INTERVAL.env() + " must be a number of seconds (0 turns the Jira poller off)");
            if (interval.isZero()) {
                return null;
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        int pageSize = number(src, "pageSize", 50, 1, 100, problems);
        int overlap = number(src, "overlapMinutes", 2, 0, 1440, problems);
        Duration firstSync = Duration.ofHours(FirstSyncWindow.DEFAULT_HOURS);
        try {
            firstSync = FirstSyncWindow.read(src, "connectors/jira.yaml");
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        String issueType = text(src.path("issueType"), text(KEYS.path(raw, "issueType"), JiraConfig.DEFAULT_ISSUE_TYPE));
        ZoneId zone = null;
        if (src.hasNonNull("timeZone")) {
            try {
                zone = ZoneId.of(src.path("timeZone").asText());
            } catch (DateTimeException e) {
                problems.add(FILE + "timeZone: not a time zone id such as UTC or Europe/Berlin");
            }
        }
        Map<String, EventType> statusEvents = statusEvents(src.path("statusEvents"), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new JiraPollConfig(site, interval,
                pageSize, overlap, firstSync, issueType, statusEvents, priorities(KEYS.path(raw, "priorities")), zone);
    }

    private static Map<String, EventType> statusEvents(JsonNode node, List<String> problems) {
        Map<String, EventType> out = new LinkedHashMap<>();
        if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
            problems.add(FILE + "statusEvents must be a map of Jira status name to ack, mitigate, resolve or close");
            return out;
        }
        node.properties().forEach(e -> {
            EventType type = EventType.fromWire(e.getValue().asText("").trim().toLowerCase(Locale.ROOT)).orElse(null);
            if (type == null || !type.name().matches("ACK|MITIGATE|RESOLVE|CLOSE")) {
                problems.add(FILE + "statusEvents." + e.getKey() + ": must be ack, mitigate, resolve or close, got '"
                        + e.getValue().asText() + "'");
            } else {
                out.put(e.getKey().trim().toLowerCase(Locale.ROOT), type);
            }
        });
        return out;
    }

    /** The inverse of the sink's severity → priority map (defaults: Highest sev1, High sev2, Medium sev3, Low/Lowest sev4). */
    private static Map<String, Severity> priorities(JsonNode node) {
        Map<String, Severity> out = new LinkedHashMap<>();
        out.put("highest", Severity.SEV1);
        out.put("high", Severity.SEV2);
        out.put("medium", Severity.SEV3);
        out.put("low", Severity.SEV4);
        out.put("lowest", Severity.SEV4);
        if (node.isObject()) {
            Map<Severity, String> configured = new EnumMap<>(Severity.class);
            node.properties().forEach(e -> Severity.fromWire(e.getKey()).ifPresent(s -> configured.put(s, e.getValue().asText(""))));
            configured.forEach((sev, name) -> {
                if (!name.isBlank()) {
                    out.put(name.trim().toLowerCase(Locale.ROOT), sev);
                }
            });
        }
        return out;
    }

    private static int number(JsonNode src, String key, int fallback, int min, int max, List<String> problems) {
        JsonNode v = src.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            problems.add(FILE + key + " must be a whole number from " + min + " to " + max + ", got '" + v.asText() + "'");
            return fallback;
        }
        return v.asInt();
    }

    private static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText().trim() : fallback;
    }
}
