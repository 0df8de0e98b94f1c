package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.MessageTemplates;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.TimelineEvent;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The one place Jira request bodies are built (Jira Cloud REST v3): the fields of a new issue, comments,
 * transitions, the JQL that finds an incident's issue, and Atlassian Document Format (ADF) from plain text.
 * Rich text fields of v3 ({@code description}, comment {@code body}) must be ADF documents, not strings.
 */
final class JiraIssueMapper {
    /** Put on every issue the gateway creates. */
    static final String GATEWAY_LABEL = "incident-gateway";
    /** Prefix of the per-incident label ({@code incident-gateway-INC-42}): how a crashed create is found again. */
    static final String INCIDENT_LABEL_PREFIX = GATEWAY_LABEL + "-";
    /** Jira rejects summaries longer than this. */
    static final int MAX_SUMMARY = 255;
    private static final int MAX_LABEL = 255;

    private final ObjectMapper json = new ObjectMapper();
    private final JiraConfig config;
    private final IncidentLink link;

    /** @param link {@code ${link}}: the descriptor's {@code link:}, else the incident's console page (GATEWAY_PUBLIC_URL) */
    JiraIssueMapper(JiraConfig config, IncidentLink link) {
        this.config = config;
        this.link = link;
    }

    /** Jira labels cannot contain spaces: whitespace becomes '-', length is capped. */
    static String labelSafe(String s) {
        String v = s.trim().replaceAll("\\s+", "-");
        return v.length() > MAX_LABEL ? v.substring(0, MAX_LABEL) : v;
    }

    static String incidentLabel(String incidentId) {
        return labelSafe(INCIDENT_LABEL_PREFIX + incidentId);
    }

    /** JQL for the issues of this project that carry the incident's label, oldest first. */
    String searchJql(String incidentId) {
        return "project = " + quote(config.site().project()) + " AND labels = " + quote(incidentLabel(incidentId))
                + " ORDER BY created ASC";
    }

    /** Body of {@code POST /rest/api/3/issue}. */
    String createIssue(Delivery d) {
        ObjectNode fields = json.createObjectNode();
        fields.putObject("project").put("key", config.site().project());
        fields.putObject("issuetype").put("name", config.issueType());
        fields.put("summary", summary(MessageTemplates.render(config.summaryTemplate(), d, link.of(d))));
        ObjectNode description = adf(MessageTemplates.render(config.descriptionTemplate(), d, link.of(d)));
        if (!description.path("content").isEmpty()) {
            fields.set("description", description);
        }
        Set<String> labels = new LinkedHashSet<>();
        labels.add(GATEWAY_LABEL);
        labels.add(incidentLabel(d.incident().id()));
        labels.addAll(config.labels());
        ArrayNode labelArray = fields.putArray("labels");
        labels.forEach(labelArray::add);
        String priority = config.priorities().get(d.incident().severity());
        if (priority != null) {
            fields.putObject("priority").put("name", priority);
        }
        ObjectNode body = json.createObjectNode();
        body.set("fields", fields);
        return body.toString();
    }

    /**
     * Body of {@code POST /rest/api/3/issue/{key}/comment}. The default template starts with the event type
     * ({@code [note] …}, {@code [role_assign] …}); a role assignment adds its role and assignee.
     */
    String comment(Delivery d) {
        String text = MessageTemplates.render(config.commentTemplate(), d, link.of(d));
        TimelineEvent e = d.event();
        if (e.type() == EventType.ROLE_ASSIGN && e.data() != null && e.data().hasNonNull("role")) {
            text = text + "\n\n" + e.data().path("role").asText() + ": " + e.data().path("assignee").asText();
        }
        ObjectNode body = json.createObjectNode();
        ObjectNode doc = adf(text);
        if (doc.path("content").isEmpty()) {
            doc = adf("[" + e.type().wireName() + "]");
        }
        body.set("body", doc);
        return body.toString();
    }

    /**
     * Body of {@code PUT /rest/api/3/issue/{key}} for a change of severity: the new severity's priority, as the issue got
     * at create; {@code null} when {@code priorities} maps none (the project's priority is left alone).
     */
    String priorityEdit(TimelineEvent e) {
        String priority = e.severityChange() == null ? null : config.priorities().get(e.severityChange());
        if (priority == null) {
            return null;
        }
        ObjectNode body = json.createObjectNode();
        body.putObject("fields").putObject("priority").put("name", priority);
        return body.toString();
    }

    /** Body of the comment that says a severity changed ({@code severity_change} template). */
    String severityComment(Delivery d) {
        ObjectNode body = json.createObjectNode();
        ObjectNode doc = adf(MessageTemplates.render(config.severityChangeTemplate(), d, link.of(d)));
        body.set("body", doc.path("content").isEmpty() ? adf("[" + d.event().type().wireName() + "]") : doc);
        return body.toString();
    }

    /** Body of {@code POST /rest/api/3/issue/{key}/transitions}. */
    String transition(String transitionId) {
        ObjectNode body = json.createObjectNode();
        body.putObject("transition").put("id", transitionId);
        return body.toString();
    }

    /**
     * The configured transition (or target status) name for a status event: ack, mitigate, resolve, close, and
     * a state_change by its {@code data.to} (acknowledged counts as ack, …). {@code null}: leave the issue as is.
     */
    String transitionTarget(TimelineEvent e) {
        EventType type = e.type();
        if (type == EventType.STATE_CHANGE) {
            IncidentStatus to = e.stateChangeTarget();
            type = to == null ? null : switch (to) {
                case ACKNOWLEDGED -> EventType.ACK;
                case MITIGATED -> EventType.MITIGATE;
                case RESOLVED -> EventType.RESOLVE;
                case CLOSED -> EventType.CLOSE;
                case DECLARED -> null;
            };
        }
        return type == null ? null : config.transitions().get(type);
    }

    /**
     * An ADF document from plain text: blank lines separate paragraphs, single newlines become hard breaks,
     * blank paragraphs are dropped (ADF text nodes must not be empty).
     */
    ObjectNode adf(String text) {
        ObjectNode doc = json.createObjectNode();
        doc.put("type", "doc");
        doc.put("version", 1);
        ArrayNode content = doc.putArray("content");
        String normalized = text == null ? "" : text.replace("\r\n", "\n").replace('\r', '\n');
        for (String para : normalized.split("\n\\s*\n")) {
            ArrayNode inline = json.createArrayNode();
            for (String line : para.split("\n")) {
                String l = line.stripTrailing();
                if (l.isBlank()) {
                    continue;
                }
                if (!inline.isEmpty()) {
                    inline.addObject().put("type", "hardBreak");
                }
                inline.addObject().put("type", "text").put("text", l);
            }
            if (!inline.isEmpty()) {
                ObjectNode p = content.addObject();
                p.put("type", "paragraph");
                p.set("content", inline);
            }
        }
        return doc;
    }

    /** Summary is a single line of at most 255 characters. */
    static String summary(String rendered) {
        String s = rendered.replaceAll("[\\r\\n\\t]+", " ").strip();
        return s.length() > MAX_SUMMARY ? s.substring(0, MAX_SUMMARY - 1) + "…" : s;
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
