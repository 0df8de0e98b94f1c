package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Jira sink's settings: where and as whom (environment) and what to send (descriptor
 * {@code connectors/jira.yaml}). Read once when the sink is built; a bad setting stops the start.
 *
 * @param transitions for ack, mitigate, resolve and close: the transition (or target status) name to apply;
 *                    an event type that is absent does not move the issue
 * @param priorities  Jira priority name per severity; empty leaves the priority to the project's default
 * @param labels      extra labels put on every issue (besides {@code incident-gateway} and the incident's)
 */
record JiraConfig(String baseUrl, String email, String token, String project, String issueType,
                  Map<EventType, String> transitions, Map<Severity, String> priorities, List<String> labels,
                  String summaryTemplate, String descriptionTemplate, String commentTemplate) {

    static final String DEFAULT_ISSUE_TYPE = "Task";
    private static final String FILE = "connectors/jira.yaml: ";
    static final String DEFAULT_SUMMARY = "[${incident.severity}] ${incident.id}: ${incident.title}";
    static final String DEFAULT_DESCRIPTION = "${event.content}\n\n"
            + "Incident ${incident.id} (${incident.severity}) declared by ${event.actor} at ${event.time}.\n"
            + "Opened by Incident Gateway: acknowledgements, notes and resolution are mirrored to this issue.\n${link}";
    static final String DEFAULT_COMMENT = "[${event.type}] ${event.title}\n${event.content}\n— ${event.actor}, ${event.time}";

    /** Never print the token (records print their components). */
    @Override
    public String toString() {
        return "JiraConfig[" + baseUrl + ", project=" + project + ", issueType=" + issueType + "]";
    }

    /** {@code Authorization} value: Basic base64(email:api-token). */
    String authorization() {
        return VendorHttp.basicAuth(email, token);
    }

    static JiraConfig from(SinkDescriptor descriptor, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String url = env.getOrDefault("JIRA_URL", "").trim();
        if (!url.matches("https?://[^\\s/]+(/\\S*)?")) {
            problems.add("JIRA_URL must be the http(s) base URL of the Jira site (https://<site>.atlassian.net)");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        String project = env.getOrDefault("JIRA_PROJECT", "").trim();
        if (!project.matches("[A-Za-z][A-Za-z0-9_]*")) {
            problems.add("JIRA_PROJECT must be a Jira project key such as OPS");
        }
        String email = env.getOrDefault("JIRA_EMAIL", "").trim();
        String token = env.getOrDefault("JIRA_API_TOKEN", "").trim();
        if (email.isEmpty() || token.isEmpty()) {
            problems.add("JIRA_EMAIL and JIRA_API_TOKEN must be set (an Atlassian account e-mail and its API token)");
        }
        JsonNode raw = descriptor.raw() == null ? MissingNode.getInstance() : descriptor.raw();
        String issueType = text(raw.path("issueType"), DEFAULT_ISSUE_TYPE);
        Map<EventType, String> transitions = transitions(raw, problems);
        Map<Severity, String> priorities = priorities(raw, problems);
        List<String> labels = new ArrayList<>();
        raw.path("labels").forEach(l -> {
            if (!l.asText("").isBlank()) {
                labels.add(JiraIssueMapper.labelSafe(l.asText()));
            }
        });
        Map<String, String> templates = descriptor.templates() == null ? Map.of() : descriptor.templates();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new JiraConfig(url, email, token, project.toUpperCase(Locale.ROOT),
                issueType, transitions, priorities, List.copyOf(labels),
                template(templates, raw, "summary", DEFAULT_SUMMARY),
                template(templates, raw, "description", DEFAULT_DESCRIPTION),
                template(templates, raw, "comment", DEFAULT_COMMENT));
    }

    private static Map<EventType, String> transitions(JsonNode raw, List<String> problems) {
        Map<EventType, String> out = new EnumMap<>(EventType.class);
        JsonNode node = raw.path("transitions");
        if (node.isMissingNode()) {
            out.put(EventType.ACK, "In Progress");
            out.put(EventType.MITIGATE, "In Progress");
            out.put(EventType.RESOLVE, "Done");
            out.put(EventType.CLOSE, "Done");
            return out;
        }
        node.properties().forEach(e -> {
            EventType type = EventType.fromWire(e.getKey()).orElse(null);
            if (type == null || !type.name().matches("ACK|MITIGATE|RESOLVE|CLOSE")) {
                problems.add(FILE + "transitions." + e.getKey() + ": only ack, mitigate, resolve and close move an issue");
            } else if (!e.getValue().asText("").isBlank()) {
                out.put(type, e.getValue().asText().trim());
            }
        });
        return out;
    }

    private static Map<Severity, String> priorities(JsonNode raw, List<String> problems) {
        Map<Severity, String> out = new EnumMap<>(Severity.class);
        JsonNode node = raw.path("priorities");
        if (node.isMissingNode()) {
            out.put(Severity.SEV1, "Highest");
            out.put(Severity.SEV2, "High");
            out.put(Severity.SEV3, "Medium");
            out.put(Severity.SEV4, "Low");
            return out;
        }
        node.properties().forEach(e -> {
            Severity sev = Severity.fromWire(e.getKey()).orElse(null);
            if (sev == null) {
                problems.add(FILE + "priorities." + e.getKey() + ": keys are sev1..sev4");
            } else if (!e.getValue().asText("").isBlank()) {
                out.put(sev, e.getValue().asText().trim());
            }
        });
        return out;
    }

    private static String template(Map<String, String> templates, JsonNode raw, String name, String fallback) {
        String t = templates.get(name);
        if (t == null && raw.path("templates").path(name).isTextual()) {
            t = raw.path("templates").path(name).asText();
        }
        return t == null || t.isBlank() ? fallback : t;
    }

    private static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText().trim() : fallback;
    }
}
