package dev.incidentgateway.timeline;

import dev.incidentgateway.Sha256;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * The severity change a correlated alert makes when it is more severe than the open incident it joins, as alert-grouping
 * tools escalate a group: correlation keys are one namespace across senders, so without it a critical alert whose key an
 * incident of lower severity holds (a responder's, or a write key's declare with {@code alertmanager:<fingerprint>})
 * only counted a repeat there, and stayed out of every sev1 list, SLA clock and {@code minSeverity} connector.
 *
 * <p>The change is an ordinary {@code state_change} event, stamped and projected like a responder's (state machine,
 * {@code previousSeverity}, outbox, SLA clocks), recorded under the alert's principal (the sender the entry point
 * authenticated) and CloudEvents source. Its idempotency id derives from the alert's ({@link #ceId}): a redelivery of the
 * same alert after a responder lowered the severity again finds it stored and does not override them, while a new firing
 * (a new id) escalates again.
 */
final class CorrelatedEscalation {
    /** Appended to the alert's idempotency id to make the escalation's. */
    static final String CE_ID_SUFFIX = ":escalation";

    private CorrelatedEscalation() {
    }

    /**
     * @param alert    a declare absorbed by {@code incident}'s correlation key
     * @param incident the incident's view before the change
     * @return the state_change raising {@code incident} to the alert's severity, or {@code null} when the alert is not
     *     more severe (or the incident is not open)
     */
    static NewEvent of(NewEvent alert, Incident incident) {
        Severity severity = alert.severity() == null ? Severity.DEFAULT : alert.severity(); // what its declare would record
        if (incident == null || !incident.isOpen() || severity.compareTo(incident.severity()) >= 0) {
            return null; // sev1 is the first constant: a smaller ordinal is more severe
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("severity", severity.wireName())
                .put("reason", reason(alert));
        return new NewEvent(incident.id(), EventType.STATE_CHANGE, alert.actor(), null, null, null, data, null, alert.source(),
                alert.ceSource(), ceId(alert.ceId()), null, null, null, alert.principal());
    }

    /**
     * Which alert: its CloudEvents source and title, on one line as {@code data.reason} must be (a title folded from an
     * alert's text already is; folding again costs nothing and holds for every entry point).
     */
    static String reason(NewEvent alert) {
        String title = alert.title() == null ? "" : alert.title();
        return EventLimits.foldToOneLine("correlated alert from " + alert.effectiveCeSource() + ": " + title);
    }

    /**
     * {@code <alert's id>:escalation}, or, when that would not fit the column, {@code escalation:<SHA-256 of the id>};
     * {@code null} (the event's own id) for an alert without one, which no redelivery can repeat.
     */
    static String ceId(String alertCeId) {
        if (alertCeId == null) {
            return null;
        }
        String derived = alertCeId + CE_ID_SUFFIX;
        return derived.length() <= EventLimits.CE_ID ? derived : "escalation:" + sha256(alertCeId);
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }
}
