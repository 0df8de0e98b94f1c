package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One issue of a {@code /search/jql} answer (fields and {@code expand=changelog}) → timeline events:
 * <ul>
 *   <li>an issue of the configured type the gateway did not create → {@code declare} (correlation key
 *       {@code jira:<issue id>}, title the summary, content the description as text, severity by priority);</li>
 *   <li>each changelog history with a {@code status} item → the event of its target status: by name from
 *       {@code source.statusEvents}, else by status category ({@code indeterminate} → ack, {@code done} → resolve;
 *       {@code new} → nothing); a history from a resolving status (done, or named resolve/close) back to an open one
 *       (to do, in progress, or named ack/mitigate) → the gateway's reopen, {@code state_change} to acknowledged;</li>
 *   <li>each comment → {@code note} (ADF as plain text).</li>
 * </ul>
 * Loop prevention: histories and comments authored by the gateway's account (its accountId, or
 * {@code emailAddress} = JIRA_EMAIL) are skipped; an issue the gateway created (external ref) gets no declare
 * and its events address that incident by id. Every event has source and ceSource {@code /connectors/jira} (so
 * the outbox does not send it back) and a stable ceId: {@code <issue id>/created}, {@code <issue id>/history/<id>},
 * {@code <issue id>/comment/<id>}; re-reading an issue repeats the same ids, which the store drops.
 */
final class JiraPollMapper {
    static final String SOURCE = "/connectors/jira";
    private static final DateTimeFormatter JIRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX][XX][X]", Locale.ROOT);
    private static final Map<String, EventType> BY_CATEGORY = Map.of("indeterminate", EventType.ACK, "done", EventType.RESOLVE);
    private static final Set<String> OPEN_CATEGORIES = Set.of("new", "indeterminate");

    private final ObjectMapper json = new ObjectMapper();
    private final JiraPollConfig config;
    private final String gatewayAccountId;
    /** Status id and lower-case name → category key ({@code new}, {@code indeterminate}, {@code done}). */
    private final Map<String, String> categories;

    JiraPollMapper(JiraPollConfig config, String gatewayAccountId, Map<String, String> categories) {
        this.config = config;
        this.gatewayAccountId = gatewayAccountId;
        this.categories = categories;
    }

    /**
     * @param incidentId the incident whose issue this is ({@code ExternalRefs.incidentFor}), or {@code null}
     */
    List<NewEvent> map(JsonNode issue, String incidentId) {
        String id = issue.path("id").asText();
        JsonNode fields = issue.path("fields");
        boolean gatewayLabel = false;
        for (JsonNode l : fields.path("labels")) {
            gatewayLabel |= JiraIssueMapper.GATEWAY_LABEL.equals(l.asText());
        }
        if (incidentId == null && (gatewayLabel || !config.issueType().equalsIgnoreCase(fields.path("issuetype").path("name").asText()))) {
            // the gateway's own issue whose ref is not (yet) here, or not an incident type: not ours to map
            return List.of();
        }
        List<NewEvent> events = new ArrayList<>();
        if (incidentId == null) {
            events.add(declare(issue, id, fields));
        }
        List<NewEvent> changes = new ArrayList<>();
        for (JsonNode h : issue.path("changelog").path("histories")) {
            if (byGateway(h.path("author"))) {
                continue;
            }
            for (JsonNode item : h.path("items")) {
                if (!"status".equals(item.path("field").asText()) && !"status".equals(item.path("fieldId").asText())) {
                    continue;
                }
                EventType type = statusEvent(item.path("to").asText(""), item.path("toString").asText(""), fields);
                String title = issue.path("key").asText() + ": " + item.path("fromString").asText() + " → " + item.path("toString").asText();
                String suffix = "/history/" + h.path("id").asText();
                if (reopened(item, type, fields)) {
                    // An ack would be refused on a resolved incident: the gateway's reopen is the state_change to
                    // acknowledged. A status mapped to mitigate follows it (the state machine reopens to acknowledged only).
                    changes.add(event(EventType.STATE_CHANGE, h.path("author"), id, incidentId, h.path("created").asText(), suffix)
                            .title(title).content("Reopened in Jira: " + title)
                            .data(data(issue).put("status", item.path("toString").asText())
                                    .put("to", IncidentStatus.ACKNOWLEDGED.wireName()).put("reason", "Reopened in Jira: " + title)).build());
                    if (type != EventType.MITIGATE) {
                        continue;
                    }
                    suffix += "/mitigate";
                }
                if (type != null) {
                    changes.add(event(type, h.path("author"), id, incidentId, h.path("created").asText(), suffix)
                            .title(title).data(data(issue).put("status", item.path("toString").asText())).build());
                }
            }
        }
        for (JsonNode c : fields.path("comment").path("comments")) {
            String text = JiraPollText.of(c.path("body"));
            if (byGateway(c.path("author")) || text.isEmpty()) {
                continue;
            }
            changes.add(event(EventType.NOTE, c.path("author"), id, incidentId, c.path("created").asText(), "/comment/" + c.path("id").asText())
                    .title("Comment on " + issue.path("key").asText()).content(text).data(data(issue)).build());
        }
        changes.sort(Comparator.comparing(e -> e.eventTime() == null ? Instant.MIN : e.eventTime()));
        events.addAll(changes);
        return events;
    }

    private NewEvent declare(JsonNode issue, String id, JsonNode fields) {
        String key = issue.path("key").asText();
        String summary = fields.path("summary").asText("").strip();
        String description = JiraPollText.of(fields.path("description"));
        return event(EventType.DECLARE, fields.path("reporter"), id, null, fields.path("created").asText(), "/created")
                .title(summary.isEmpty() ? key : summary)
                .content(description.isEmpty() ? null : description)
                .severity(config.priorities().get(fields.path("priority").path("name").asText("").toLowerCase(Locale.ROOT)))
                .data(data(issue))
                .build();
    }

    private NewEvent.Builder event(EventType type, JsonNode author, String issueId, String incidentId, String created, String suffix) {
        String actor = author.path("displayName").asText(author.path("accountId").asText("jira"));
        NewEvent.Builder b = NewEvent.builder(type, actor.isBlank() ? "jira" : actor)
                .source(SOURCE).ceSource(SOURCE).ceId(issueId + suffix).eventTime(time(created));
        return incidentId != null ? b.incident(incidentId) : b.correlationKey("jira:" + issueId);
    }

    private ObjectNode data(JsonNode issue) {
        String key = issue.path("key").asText();
        ObjectNode data = json.createObjectNode().put("jiraIssueId", issue.path("id").asText()).put("jiraKey", key)
                .put("url", config.site().baseUrl() + "/browse/" + key);
        // Recorded in external_refs with the declare (ExternalRefRecorder): the Jira sink then updates this issue
        // instead of creating a second one, and later polls map the issue to its incident by id.
        data.putObject("externalRef").put("connector", "jira").put("externalId", issue.path("id").asText())
                .put("externalKey", key).put("url", config.site().baseUrl() + "/browse/" + key);
        return data;
    }

    /**
     * A move from a status that resolves (done, or named resolve/close) to one that is open again (to do, in progress,
     * or named ack/mitigate): a person reopened the issue. "To Do" after Done is a reopen too: the gateway has no way back
     * to declared, and a ticket someone put back in the queue is not resolved.
     */
    private boolean reopened(JsonNode item, EventType to, JsonNode fields) {
        EventType from = statusEvent(item.path("from").asText(""), item.path("fromString").asText(""), fields);
        if (from != EventType.RESOLVE && from != EventType.CLOSE) {
            return false;
        }
        return to == EventType.ACK || to == EventType.MITIGATE
                || to == null && OPEN_CATEGORIES.contains(category(item.path("to").asText(""), item.path("toString").asText(""), fields));
    }

    /** The configured name first, then the category of the status (its id, its name, or the issue's current status). */
    EventType statusEvent(String statusId, String statusName, JsonNode fields) {
        EventType byName = config.statusEvents().get(statusName.toLowerCase(Locale.ROOT));
        if (byName != null) {
            return byName;
        }
        String category = category(statusId, statusName, fields);
        return category == null ? null : BY_CATEGORY.get(category);
    }

    /** A status's category key ({@code new}, {@code indeterminate}, {@code done}), or {@code null} when not known. */
    private String category(String statusId, String statusName, JsonNode fields) {
        String category = categories.get(statusId);
        if (category == null) {
            category = categories.get(statusName.toLowerCase(Locale.ROOT));
        }
        JsonNode current = fields.path("status");
        if (category == null && (statusId.equals(current.path("id").asText()) || statusName.equalsIgnoreCase(current.path("name").asText()))) {
            category = current.path("statusCategory").path("key").asText(null);
        }
        return category;
    }

    boolean byGateway(JsonNode author) {
        String accountId = author.path("accountId").asText("");
        return (gatewayAccountId != null && gatewayAccountId.equals(accountId))
                || config.site().email().equalsIgnoreCase(author.path("emailAddress").asText(""));
    }

    /** Jira's {@code 2025-03-01T10:15:30.000+0000}; {@code null} when absent or unreadable. */
    static Instant time(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JIRA_TIME.parse(text.trim(), java.time.OffsetDateTime::from).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
