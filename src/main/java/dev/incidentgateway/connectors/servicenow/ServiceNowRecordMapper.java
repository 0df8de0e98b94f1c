package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.MessageTemplates;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place ServiceNow incident record bodies are built (Table API field names), from the descriptor's
 * templates ({@link MessageTemplates}), its severity → urgency/impact map and its {@code closeCode}.
 *
 * <pre>
 *   declare         POST  short_description, description, urgency, impact, correlation_id, correlation_display
 *   ack, mitigate   PATCH state 2 (In Progress), work_notes
 *   resolve         PATCH state 6 (Resolved), close_code, close_notes
 *   close           PATCH state 7 (Closed), work_notes (+ close_code/close_notes when resolve is not subscribed)
 *   note, role_assign  PATCH work_notes
 *   state_change    PATCH the state of data.to (acknowledged/mitigated → 2, resolved → 6, closed → 7), work_notes
 * </pre>
 */
public final class ServiceNowRecordMapper {
    /** The descriptor keys the ServiceNow sink reads. */
    static final DescriptorKeys KEYS = DescriptorKeys.of("severity", "closeCode");

    /** Incident states of the Table API (choice values of incident.state). */
    public static final String STATE_IN_PROGRESS = "2";
    public static final String STATE_RESOLVED = "6";
    public static final String STATE_CLOSED = "7";
    /** Current out-of-box resolution code; older instances use "Solved (Permanently)". */
    public static final String DEFAULT_CLOSE_CODE = "Solution provided";
    /** Marks the records this gateway made (correlation_display); correlation_id holds the incident id. */
    public static final String CORRELATION_DISPLAY = "incident-gateway";

    /** Template names (keys of the descriptor's {@code templates}) and their defaults. */
    static final Map<String, String> DEFAULT_TEMPLATES = Map.of(
            "short_description", "[${incident.severity}] ${incident.title}",
            "description", "${event.content}\n\nDeclared by ${event.actor} at ${event.time} as ${incident.id} (Incident Gateway). ${link}",
            "ack", "Acknowledged by ${event.actor}. ${event.content}",
            "mitigate", "Mitigated by ${event.actor}: ${event.content}",
            "resolve", "Resolved by ${event.actor}: ${event.content}",
            "close", "Closed by ${event.actor}. ${event.content}",
            "note", "${event.actor}: ${event.content}",
            "role_assign", "Role assigned by ${event.actor}. ${event.title} ${event.content}",
            "state_change", "Status set to ${incident.status} by ${event.actor}. ${event.content}",
            MessageTemplates.SEVERITY_CHANGE_TEMPLATE, MessageTemplates.SEVERITY_CHANGE);

    /** Urgency/impact per severity; ServiceNow's default priority lookup makes these P1, P2, P3 and P4. */
    private static final Map<Severity, List<String>> DEFAULT_LEVELS = Map.of(
            Severity.SEV1, List.of("1", "1"),
            Severity.SEV2, List.of("1", "2"),
            Severity.SEV3, List.of("2", "2"),
            Severity.SEV4, List.of("3", "2"));
    private static final Set<String> LEVELS = Set.of("1", "2", "3");
    private static final String FILE = "connectors/servicenow.yaml";

    private final Map<String, String> templates;
    private final Map<Severity, List<String>> levels;
    private final String closeCode;
    private final IncidentLink link;
    private final boolean resolveSubscribed;

    ServiceNowRecordMapper(Map<String, String> templates, Map<Severity, List<String>> levels, String closeCode,
                           IncidentLink link, boolean resolveSubscribed) {
        this.templates = templates;
        this.levels = levels;
        this.closeCode = closeCode;
        this.link = link;
        this.resolveSubscribed = resolveSubscribed;
    }

    /**
     * Reads templates, {@code severity} and {@code closeCode}; fails naming the bad key.
     *
     * @param link {@code ${link}}: the descriptor's {@code link:}, else the incident's console page (GATEWAY_PUBLIC_URL)
     */
    public static ServiceNowRecordMapper from(SinkDescriptor descriptor, IncidentLink link) {
        Map<String, String> templates = new HashMap<>(DEFAULT_TEMPLATES);
        if (descriptor.templates() != null) {
            descriptor.templates().forEach((k, v) -> {
                if (!DEFAULT_TEMPLATES.containsKey(k)) {
                    throw new ConfigException(FILE + ": templates." + k + " is not a ServiceNow template; known: "
                            + String.join(", ", new java.util.TreeSet<>(DEFAULT_TEMPLATES.keySet())));
                }
                templates.put(k, v == null ? "" : v);
            });
        }
        JsonNode raw = descriptor.raw() == null ? JsonNodeFactory.instance.objectNode() : descriptor.raw();
        Map<Severity, List<String>> levels = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            JsonNode n = KEYS.path(raw, "severity").path(s.wireName());
            levels.put(s, List.of(level(n, s, "urgency", DEFAULT_LEVELS.get(s).get(0)),
                    level(n, s, "impact", DEFAULT_LEVELS.get(s).get(1))));
        }
        String closeCode = KEYS.path(raw, "closeCode").asText(DEFAULT_CLOSE_CODE).trim();
        if (closeCode.isEmpty()) {
            throw new ConfigException(FILE + ": closeCode must not be empty (ServiceNow requires a resolution code)");
        }
        boolean resolve = descriptor.events() == null || descriptor.events().contains(EventType.RESOLVE);
        return new ServiceNowRecordMapper(Map.copyOf(templates), levels, closeCode, link, resolve);
    }

    private static String level(JsonNode severity, Severity s, String field, String fallback) {
        JsonNode v = severity.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        String text = v.asText().trim();
        if (!LEVELS.contains(text)) {
            throw new ConfigException(FILE + ": severity." + s.wireName() + "." + field + " must be 1, 2 or 3, got '" + text + "'");
        }
        return text;
    }

    /** The body of {@code POST /api/now/table/incident} for the incident of this delivery. */
    public ObjectNode create(Delivery d) {
        List<String> ui = levels.get(d.incident().severity());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("short_description", render("short_description", d));
        body.put("description", render("description", d));
        body.put("urgency", ui.get(0));
        body.put("impact", ui.get(1));
        body.put("correlation_id", d.incident().id());
        body.put("correlation_display", CORRELATION_DISPLAY);
        return body;
    }

    /** The body of {@code PATCH /api/now/table/incident/<sys_id>} for this event; empty when nothing changes. */
    public ObjectNode update(Delivery d) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        EventType type = d.event().type();
        switch (type) {
            case DECLARE -> {
                return body;
            }
            case ACK, MITIGATE -> body.put("state", STATE_IN_PROGRESS);
            case RESOLVE -> resolved(body, d, "resolve");
            case CLOSE -> {
                body.put("state", STATE_CLOSED);
                if (!resolveSubscribed) {
                    body.put("close_code", closeCode);
                    body.put("close_notes", render("close", d));
                }
            }
            case STATE_CHANGE -> stateChange(body, d);
            case NOTE, ROLE_ASSIGN -> {
            }
        }
        if (type != EventType.RESOLVE) {
            String notes = workNotes(d);
            if (type == EventType.ROLE_ASSIGN) {
                notes = (notes + " " + roleLine(d)).trim();
            }
            if (!notes.isBlank()) {
                body.put("work_notes", notes);
            }
        }
        return body;
    }

    /** The event's work note; a change of severity reads as one, followed by the status line when it set the status too. */
    private String workNotes(Delivery d) {
        EventType type = d.event().type();
        if (type != EventType.STATE_CHANGE || d.event().severityChange() == null) {
            return render(type.wireName(), d);
        }
        String change = render(MessageTemplates.SEVERITY_CHANGE_TEMPLATE, d);
        return d.event().stateChangeTarget() == null ? change : (change + "\n" + render(type.wireName(), d)).trim();
    }

    private void stateChange(ObjectNode body, Delivery d) {
        Severity severity = d.event().severityChange();
        if (severity != null) {
            // The record was created with the urgency/impact of the severity then: keep its priority in step.
            List<String> ui = levels.get(severity);
            body.put("urgency", ui.get(0));
            body.put("impact", ui.get(1));
        }
        IncidentStatus to = d.event().stateChangeTarget();
        if (to == null) {
            return;
        }
        switch (to) {
            case ACKNOWLEDGED, MITIGATED -> body.put("state", STATE_IN_PROGRESS);
            case RESOLVED -> resolved(body, d, "state_change");
            case CLOSED -> body.put("state", STATE_CLOSED);
            case DECLARED -> {
            }
        }
    }

    private void resolved(ObjectNode body, Delivery d, String notesTemplate) {
        body.put("state", STATE_RESOLVED);
        body.put("close_code", closeCode);
        String notes = render(notesTemplate, d);
        // close_notes is mandatory with state 6/7 (data policy): never send it blank.
        body.put("close_notes", notes.isBlank() ? "Resolved in Incident Gateway (" + d.incident().id() + ")" : notes);
    }

    /** role_assign carries its role and assignee in data, which templates cannot name. */
    private static String roleLine(Delivery d) {
        JsonNode data = d.event().data();
        if (data == null || !data.hasNonNull("role")) {
            return "";
        }
        return data.path("role").asText() + ": " + data.path("assignee").asText("");
    }

    private String render(String template, Delivery d) {
        return MessageTemplates.render(templates.get(template), d, link.of(d)).trim();
    }

    String closeCode() {
        return closeCode;
    }

    List<String> urgencyImpact(Severity s) {
        return levels.get(s);
    }
}
