package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TransitionRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports the polled changes the store refused, each once. A refused event is not stored, so its idempotent id does
 * not stop the next poll's overlap window from reading the change again: without memory the same line came every poll
 * for as long as the change stayed in the window. The memory is bounded ({@value #REMEMBERED} changes, least recently
 * seen dropped first): a refused change seen again in every overlap stays in it, and at worst a forgotten one is
 * logged a second time. After a restart (or on another instance taking over) a change still in the window is logged
 * once more, which says the same thing again rather than hiding it.
 *
 * <p>A change that would move the incident to where it is already (a ServiceNow record edited while In Progress gives
 * its state's ack again) lost nothing: DEBUG. Any other refusal means a person's change in the vendor's tool did not
 * reach the timeline (e.g. a ticket reopened after the incident was closed): WARN, naming the ticket, the change and
 * the reason, for an operator to act on.
 */
final class RefusedChanges {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedChanges.class);
    static final int REMEMBERED = 4096;

    private final PollingSource source;
    private final Map<String, Boolean> seen = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    RefusedChanges(PollingSource source) {
        this.source = source;
    }

    /** @param events the page's events, in the order of {@code outcomes} (one outcome each) */
    void report(List<NewEvent> events, List<AppendOutcome> outcomes) {
        for (int i = 0; i < outcomes.size() && i < events.size(); i++) {
            AppendOutcome o = outcomes.get(i);
            NewEvent e = events.get(i);
            // refusal null: an event over the limits, which PolledRecords has logged with its field already
            if (o.kind() != AppendOutcome.Kind.REFUSED || o.refusal() == null
                    || seen.put(e.effectiveCeSource() + " " + e.ceId(), Boolean.TRUE) != null) {
                continue;
            }
            String line = "{} poll: {}: {} by {} (change {}) did not reach incident {}: {}";
            Object[] args = {source.name(), source.ticket(e), change(e), e.actor(), e.ceId(), o.incidentId(), o.refusal().getMessage()};
            if (alreadyThere(o, e)) {
                LOG.debug(line, args);
            } else {
                LOG.warn(line, args);
            }
        }
    }

    private static String change(NewEvent e) {
        String to = stateChangeTo(e);
        return e.type().wireName() + (to.isEmpty() ? "" : " to " + to);
    }

    /**
     * True when the incident is where the change would move it: the same status, or mitigated for an ack (ServiceNow's
     * In Progress stands for both) or closed for a resolve (a closed record is read as resolve + close).
     */
    static boolean alreadyThere(AppendOutcome o, NewEvent e) {
        if (!(o.refusal() instanceof TransitionRefusedException t) || t.current() == null) {
            return false;
        }
        IncidentStatus target = e.type() == EventType.STATE_CHANGE
                ? IncidentStatus.fromWire(stateChangeTo(e)).orElse(null) : IncidentStateMachine.targetOf(e.type());
        return target != null && (target == t.current()
                || target == IncidentStatus.ACKNOWLEDGED && t.current() == IncidentStatus.MITIGATED
                || target == IncidentStatus.RESOLVED && t.current() == IncidentStatus.CLOSED);
    }

    /** A state_change's {@code data.to}, empty for other events. */
    private static String stateChangeTo(NewEvent e) {
        return e.type() == EventType.STATE_CHANGE ? e.data().path("to").asText("") : "";
    }
}
