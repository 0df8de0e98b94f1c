package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.outbox.SinkRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.MessageTemplates;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
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
record JiraConfig(JiraSettings site, String issueType,
                  Map<EventType, String> transitions, Map<Severity, String> priorities, List<String> labels,
                  String summaryTemplate, String descriptionTemplate, String commentTemplate, String severityChangeTemplate) {
    /** The descriptor keys the Jira sink reads (templates: {@link dev.incidentgateway.outbox.SinkRegistry#JAVA_SINK_KEYS}). */
    static final DescriptorKeys KEYS = DescriptorKeys.of("issueType", "labels", "transitions", "priorities");


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
        return "JiraConfig[" + site.baseUrl() + ", project=" + site.project() + ", issueType=" + issueType + "]";
    }

    static JiraConfig from(SinkDescriptor descriptor, Map<String, String> env) {
        JiraSettings site = JiraSettings.from(env);
        List<String> problems = new ArrayList<>(site.problems());
        if (site.email().isEmpty() || site.token().isEmpty()) {
            problems.add(JiraSettings.EMAIL.env() + " and " + JiraSettings.API_TOKEN.env()
                    + " must be set (an Atlassian account e-mail and its API token)");
        }
        JsonNode raw = descriptor.raw() == null ? MissingNode.getInstance() : descriptor.raw();
        String issueType = text(KEYS.path(raw, "issueType"), DEFAULT_ISSUE_TYPE);
        Map<EventType, String> transitions = transitions(raw, problems);
        Map<Severity, String> priorities = priorities(raw, problems);
        List<String> labels = new ArrayList<>();
        KEYS.path(raw, "labels").forEach(l -> {
            if (!l.asText("").isBlank()) {
                labels.add(JiraIssueMapper.labelSafe(l.asText()));
            }
        });
        Map<String, String> templates = descriptor.templates() == null ? Map.of() : descriptor.templates();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new JiraConfig(site, issueType, transitions, priorities, List.copyOf(labels),
                template(templates, raw, "summary", DEFAULT_SUMMARY),
                template(templates, raw, "description", DEFAULT_DESCRIPTION),
                template(templates, raw, "comment", DEFAULT_COMMENT),
                template(templates, raw, MessageTemplates.SEVERITY_CHANGE_TEMPLATE, MessageTemplates.SEVERITY_CHANGE));
    }

    private static Map<EventType, String> transitions(JsonNode raw, List<String> problems) {
        Map<EventType, String> out = new EnumMap<>(EventType.class);
        JsonNode node = KEYS.path(raw, "transitions");
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
        JsonNode node = KEYS.path(raw, "priorities");
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
        if (t == null && SinkRegistry.JAVA_SINK_KEYS.path(raw, "templates").path(name).isTextual()) {
            t = SinkRegistry.JAVA_SINK_KEYS.path(raw, "templates").path(name).asText();
        }
        return t == null || t.isBlank() ? fallback : t;
    }

    private static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText().trim() : fallback;
    }
}
