package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns ServiceNow incident records and journal entries into timeline events (ceSource and source
 * {@code /connectors/servicenow}, so the outbox never sends them back to ServiceNow). CloudEvents ids are
 * derived from what they stand for, so reading a record again appends nothing:
 * <pre>
 *   declare         incident/&lt;sys_id&gt;/declare
 *   state change    incident/&lt;sys_id&gt;/state/&lt;state&gt;/&lt;sys_mod_count&gt;   (sys_updated_on when there is no count)
 *   resolve before a close of a record seen closed:  ...state/7/&lt;count&gt;/resolve
 *   note            sys_journal_field/&lt;sys_id&gt;
 * </pre>
 * A record in a mapped state gives that state's event on each change of the record; the state machine
 * refuses (and the poller skips) the repeats of a state the incident is in already. A record in an open state (New, In
 * Progress, On Hold, or one mapped to ack/mitigate) whose incident is resolved in the gateway was reopened there: it
 * gives the reopen, a {@code state_change} to acknowledged, with the id its state event would have had.
 */
final class ServiceNowPollMapper {
    static final String SOURCE = "/connectors/servicenow";
    static final String KEY_PREFIX = "servicenow:";
    /** Data fields of state events naming their record. */
    static final String NUMBER = "servicenowNumber";
    static final String SYS_ID = "servicenowSysId";
    /** The fields the poller asks for (sysparm_fields). */
    static final String RECORD_FIELDS = "sys_id,number,state,short_description,description,urgency,impact,sys_updated_on,"
            + "sys_updated_by,sys_created_on,sys_created_by,sys_mod_count,opened_at,resolved_at,closed_at,close_notes,"
            + "correlation_id,correlation_display";
    static final String JOURNAL_FIELDS = "sys_id,element_id,element,value,sys_created_on,sys_created_by";

    /**
     * Where a record's events go: a known incident by id, or (declare) a new one keyed {@code servicenow:<sys_id>}
     * with the id {@code <prefix>-<digits of number>}, or by that key alone when the number has no digits.
     */
    record Target(String incidentId, String correlationKey, boolean declare, boolean resolved) {
        /** @param resolved the incident is resolved in the gateway now: an open state of its record is a reopen */
        static Target known(String incidentId, boolean resolved) {
            return new Target(incidentId, null, false, resolved);
        }
    }

    /** ServiceNow's active states (New, In Progress, On Hold): a record back in one of them was reopened. */
    private static final Set<String> OPEN_STATES = Set.of("1", "2", "3");

    private final ServiceNowPollSettings settings;

    ServiceNowPollMapper(ServiceNowPollSettings settings) {
        this.settings = settings;
    }

    /** The target of a record no incident is known for: declared from ServiceNow. */
    Target declared(JsonNode rec) {
        String digits = text(rec, "number").replaceAll("\\D", "");
        String id = digits.isEmpty() ? null : settings.incidentPrefix() + "-" + digits;
        return new Target(id, KEY_PREFIX + text(rec, "sys_id"), true, false);
    }

    /** The declare (when the target wants one) and the state's events, unless the gateway's user made the change. */
    List<NewEvent> recordEvents(JsonNode rec, Target target) {
        List<NewEvent> out = new ArrayList<>();
        String sysId = text(rec, "sys_id");
        if (target.declare()) {
            out.add(declare(rec, target, sysId));
        }
        if (text(rec, "sys_updated_by").equalsIgnoreCase(settings.user())) {
            return out;
        }
        String state = text(rec, "state");
        EventType type = settings.states().get(state);
        boolean open = type == EventType.ACK || type == EventType.MITIGATE || type == null && OPEN_STATES.contains(state);
        if (type == null && !(open && target.resolved())) {
            return out;
        }
        String change = text(rec, "sys_mod_count").isEmpty() ? text(rec, "sys_updated_on") : text(rec, "sys_mod_count");
        String ceId = "incident/" + sysId + "/state/" + state + "/" + change;
        String actor = actor(text(rec, "sys_updated_by"));
        Instant updated = ServiceNowPollWatermark.instant(text(rec, "sys_updated_on"));
        if (open && target.resolved()) {
            // The record only tells its state now; the gateway's incident tells it was resolved: a person (not the
            // gateway's user, above) moved it back. An ack would be refused on a resolved incident; the reopen is the
            // state_change to acknowledged. It takes the change's own id, so the next poll's ack of the same change is
            // its duplicate; a mitigate state follows the reopen (the state machine reopens to acknowledged only).
            out.add(reopen(rec, actor, target, type == EventType.MITIGATE ? ceId + "/reopen" : ceId, updated));
            if (type != EventType.MITIGATE) {
                return out;
            }
        }
        if (type == EventType.CLOSE) {
            // close follows resolved only: a record seen closed is resolved first (refused when it is already)
            out.add(stateEvent(rec, EventType.RESOLVE, actor, target, ceId + "/resolve", updated));
        }
        out.add(stateEvent(rec, type, actor, target, ceId, updated));
        return out;
    }

    private NewEvent stateEvent(JsonNode rec, EventType type, String actor, Target target, String ceId, Instant updated) {
        Instant at = type == EventType.RESOLVE ? ServiceNowPollWatermark.instant(text(rec, "resolved_at"))
                : type == EventType.CLOSE ? ServiceNowPollWatermark.instant(text(rec, "closed_at")) : null;
        String notes = type == EventType.RESOLVE ? text(rec, "close_notes").trim() : "";
        return event(type, actor, target, ceId, at != null ? at : updated).data(ticket(rec))
                .content(notes.isEmpty() ? stateText(type) + " in ServiceNow " + text(rec, "number") : notes).build();
    }

    /** The gateway's reopen (resolved → acknowledged), with the state the record was moved back to as the reason. */
    private NewEvent reopen(JsonNode rec, String actor, Target target, String ceId, Instant updated) {
        String reason = "Reopened in ServiceNow " + text(rec, "number") + " (state " + text(rec, "state") + ")";
        ObjectNode data = ticket(rec).put("to", IncidentStatus.ACKNOWLEDGED.wireName()).put("reason", reason);
        return event(EventType.STATE_CHANGE, actor, target, ceId, updated).data(data).content(reason).build();
    }

    /** The record's number and sys_id, in the data of its state events: the ticket a reader (or a log line) names. */
    private static ObjectNode ticket(JsonNode rec) {
        return JsonNodeFactory.instance.objectNode().put(NUMBER, text(rec, "number")).put(SYS_ID, text(rec, "sys_id"));
    }

    /** A work note or comment; {@code null} when the gateway's user wrote it (the gateway's own words). */
    NewEvent note(JsonNode entry, Target target) {
        String by = text(entry, "sys_created_by");
        if (by.equalsIgnoreCase(settings.user()) || text(entry, "value").isBlank()) {
            return null;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("element", text(entry, "element"));
        return event(EventType.NOTE, actor(by), target, "sys_journal_field/" + text(entry, "sys_id"),
                ServiceNowPollWatermark.instant(text(entry, "sys_created_on")))
                .content(text(entry, "value")).data(data).build();
    }

    private NewEvent declare(JsonNode rec, Target target, String sysId) {
        String number = text(rec, "number");
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ObjectNode ref = data.putObject("externalRef");
        ref.put("connector", ServiceNowSink.CONNECTOR);
        ref.put("externalId", sysId);
        ref.put("externalKey", number.isEmpty() ? null : number);
        ref.put("url", settings.baseUrl() + "/nav_to.do?uri=incident.do?sys_id=" + sysId);
        String title = text(rec, "short_description").isBlank() ? "ServiceNow " + number : text(rec, "short_description");
        Instant opened = ServiceNowPollWatermark.instant(text(rec, "opened_at"));
        String by = text(rec, "sys_created_by").isEmpty() ? text(rec, "sys_updated_by") : text(rec, "sys_created_by");
        NewEvent.Builder b = NewEvent.builder(EventType.DECLARE, actor(by))
                .title(title)
                .content(text(rec, "description"))
                .severity(settings.severityOf(text(rec, "urgency"), text(rec, "impact")))
                .data(data)
                .eventTime(opened != null ? opened : ServiceNowPollWatermark.instant(text(rec, "sys_created_on")))
                .source(SOURCE).ceSource(SOURCE).ceId("incident/" + sysId + "/declare")
                .correlationKey(target.correlationKey());
        return (target.incidentId() == null ? b : b.incident(target.incidentId())).build();
    }

    private static NewEvent.Builder event(EventType type, String actor, Target target, String ceId, Instant at) {
        NewEvent.Builder b = NewEvent.builder(type, actor).eventTime(at).source(SOURCE).ceSource(SOURCE).ceId(ceId);
        return target.incidentId() != null ? b.incident(target.incidentId()) : b.correlationKey(target.correlationKey());
    }

    private static String stateText(EventType type) {
        return switch (type) {
            case ACK -> "In Progress";
            case MITIGATE -> "Mitigated";
            case RESOLVE -> "Resolved";
            default -> "Closed";
        };
    }

    private static String actor(String user) {
        return user.isBlank() ? "servicenow" : user;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isObject()) {
            v = v.path("value"); // a reference field without sysparm_exclude_reference_link
        }
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }
}
