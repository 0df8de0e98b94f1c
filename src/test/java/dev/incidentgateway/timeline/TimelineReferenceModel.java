package dev.incidentgateway.timeline;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The reference model of {@link TimelineModelContract}: what the store should answer, written down plainly and apart
 * from the store's code (its own transition table, its own correlation bookkeeping), so that the two can disagree.
 * Incidents with status, last seq, severity and alert repeats; open correlation keys; the idempotency keys of stored
 * events. {@link #apply} predicts one request's outcome and, when the request would store anything, moves the model on.
 */
final class TimelineReferenceModel {
    /** One event the model expects in an incident's log; {@code id} is filled in from the store's answer. */
    static final class Logged {
        final long seq;
        final EventType type;
        final String principal;
        /** The severity an outbox subscription filters this event by (OutboxWriter: the higher of a change's two). */
        final Severity severityAt;
        String id;

        Logged(long seq, EventType type, String principal, Severity severityAt) {
            this.seq = seq;
            this.type = type;
            this.principal = principal;
            this.severityAt = severityAt;
        }
    }

    static final class Inc {
        final String id;
        IncidentStatus status = IncidentStatus.DECLARED;
        long seq;
        Severity severity;
        long repeats;
        /** Every key ever bound to it: a reopen binds them again. */
        final Set<String> keys = new LinkedHashSet<>();
        final List<Logged> log = new ArrayList<>();

        Inc(String id) {
            this.id = id;
        }

        Inc copy() {
            Inc c = new Inc(id);
            c.status = status;
            c.seq = seq;
            c.severity = severity;
            c.repeats = repeats;
            c.keys.addAll(keys);
            c.log.addAll(log); // Logged entries are shared: only their id changes, once, after the match
            return c;
        }

        boolean open() {
            return status != IncidentStatus.RESOLVED && status != IncidentStatus.CLOSED;
        }
    }

    /** An outcome as the model predicts it and as it is read from the store's answer. */
    record Expected(AppendOutcome.Kind kind, String incidentId, Long seq) {
    }

    /** A request's answer: its outcomes, or the refusal of the whole request (exception type, index of the event). */
    record Prediction(List<Expected> outcomes, String refusal, int index) {
        static Prediction of(List<AppendOutcome> outcomes) {
            return new Prediction(outcomes.stream().map(o -> new Expected(o.kind(), o.incidentId(),
                    o.event() == null ? null : o.event().seq())).toList(), null, -1);
        }

        static Prediction refused(AppendRejectedException e) {
            return new Prediction(null, e.getClass().getSimpleName(), e.index());
        }
    }

    /** Where an idempotency key's event is. */
    private record Stored(String incidentId, long seq) {
    }

    /** The model refusing an event: as the store's exception would. */
    private static final class Refusal extends RuntimeException {
        final String type;
        final boolean transition;
        final boolean repeat;
        int index;

        Refusal(String type, boolean transition, boolean repeat) {
            super(type, null, false, false);
            this.type = type;
            this.transition = transition;
            this.repeat = repeat;
        }
    }

    /** For each status, the statuses its own event enters it from (the reopen resolved → acknowledged is apart). */
    private static final Map<IncidentStatus, Set<IncidentStatus>> FROM = Map.of(
            IncidentStatus.DECLARED, EnumSet.noneOf(IncidentStatus.class),
            IncidentStatus.ACKNOWLEDGED, EnumSet.of(IncidentStatus.DECLARED),
            IncidentStatus.MITIGATED, EnumSet.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED),
            IncidentStatus.RESOLVED, EnumSet.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.MITIGATED),
            IncidentStatus.CLOSED, EnumSet.of(IncidentStatus.RESOLVED));

    final Map<String, Inc> incidents = new LinkedHashMap<>();
    final Map<String, String> openKeys = new HashMap<>();
    private final Map<String, Stored> storedCe = new HashMap<>();

    TimelineReferenceModel copy() {
        TimelineReferenceModel c = new TimelineReferenceModel();
        incidents.forEach((id, inc) -> c.incidents.put(id, inc.copy()));
        c.openKeys.putAll(openKeys);
        c.storedCe.putAll(storedCe);
        return c;
    }

    /** Becomes {@code other} (a copy this model was predicting on). */
    void adopt(TimelineReferenceModel other) {
        incidents.clear();
        incidents.putAll(other.incidents);
        openKeys.clear();
        openKeys.putAll(other.openKeys);
        storedCe.clear();
        storedCe.putAll(other.storedCe);
    }

    /**
     * Predicts {@code request}'s answer in {@code mode} and applies it to this model.
     *
     * @param generatedIds the id the store gave the new incident of the request's event at an index (the model cannot
     *                     know the next {@code INC-<n>}: numbers are reserved per group)
     */
    Prediction apply(List<NewEvent> request, AppendMode mode, IntFunction<String> generatedIds) {
        if (mode == AppendMode.EACH_EVENT) { // a poller's page: each event on its own, any refusal reported in its place
            List<Expected> out = new ArrayList<>();
            for (int i = 0; i < request.size(); i++) {
                TimelineReferenceModel attempt = copy();
                try {
                    out.add(attempt.applyOne(request.get(i), generatedIds.apply(i)));
                    adopt(attempt);
                } catch (Refusal r) {
                    out.add(new Expected(AppendOutcome.Kind.REFUSED, request.get(i).incidentId(), null));
                }
            }
            return new Prediction(out, null, -1);
        }
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < request.size(); i++) {
            left.add(i);
        }
        Expected[] out = new Expected[request.size()];
        while (true) {
            TimelineReferenceModel attempt = copy();
            try {
                for (int i : left) {
                    try {
                        out[i] = attempt.applyOne(request.get(i), generatedIds.apply(i));
                    } catch (Refusal r) {
                        r.index = i;
                        throw r;
                    }
                }
                adopt(attempt);
                return new Prediction(List.of(out), null, -1);
            } catch (Refusal r) {
                if (mode == AppendMode.ALL_OR_NOTHING || !r.transition) {
                    return new Prediction(null, r.type, r.index);
                }
                left.remove(Integer.valueOf(r.index)); // a sender's batch: the item is left out, the rest applied again
                out[r.index] = new Expected(r.repeat ? AppendOutcome.Kind.IGNORED : AppendOutcome.Kind.REFUSED,
                        request.get(r.index).incidentId(), null);
            }
        }
    }

    private Expected applyOne(NewEvent e, String generatedId) {
        String ceKey = e.ceId() == null ? null : e.principal() + "\n" + e.effectiveCeSource() + "\n" + e.ceId();
        String open = e.correlationKey() == null ? null : openKeys.get(e.correlationKey());
        if (ceKey != null && storedCe.containsKey(ceKey)) {
            if (e.type() == EventType.DECLARE && open != null) {
                incidents.get(open).repeats++;
            }
            Stored s = storedCe.get(ceKey);
            return new Expected(AppendOutcome.Kind.DUPLICATE, s.incidentId(), s.seq());
        }
        if (e.correlationKey() != null && e.type() == EventType.DECLARE && open != null) {
            return correlated(e, incidents.get(open));
        }
        if (e.correlationKey() != null && e.type() != EventType.DECLARE && e.incidentId() == null && open == null) {
            return new Expected(AppendOutcome.Kind.IGNORED, null, null);
        }
        String id = e.incidentId() != null ? e.incidentId() : open != null ? open : generatedId;
        if (id == null) {
            throw new IllegalStateException("no id for a new incident of " + e);
        }
        long seq = append(e, id, e.type(), stateChangeTo(e), severityOf(e), ceKey);
        return new Expected(AppendOutcome.Kind.APPENDED, id, seq);
    }

    /** A declare whose key has an open incident: a repeat, and an escalation when it is more severe. */
    private Expected correlated(NewEvent alert, Inc inc) {
        inc.repeats++;
        Severity severity = alert.severity() == null ? Severity.SEV3 : alert.severity();
        String escalationCe = alert.ceId() == null ? null
                : alert.principal() + "\n" + alert.effectiveCeSource() + "\n" + alert.ceId() + ":escalation";
        if (severity.ordinal() < inc.severity.ordinal() && (escalationCe == null || !storedCe.containsKey(escalationCe))) {
            long seq = append(alert, inc.id, EventType.STATE_CHANGE, null, severity, escalationCe);
            return new Expected(AppendOutcome.Kind.CORRELATED, inc.id, seq);
        }
        return new Expected(AppendOutcome.Kind.CORRELATED, inc.id, null);
    }

    /** Checks one event against the incident as the model has it, then applies it; returns its seq. */
    private long append(NewEvent e, String id, EventType type, IncidentStatus to, Severity newSeverity, String ceKey) {
        Inc inc = incidents.get(id);
        if (inc == null && type != EventType.DECLARE) {
            throw new Refusal("IncidentNotFoundException", false, false);
        }
        long lastSeq = inc == null ? 0 : inc.seq;
        if (e.expectedSeq() != null && e.expectedSeq() != lastSeq) {
            throw new Refusal("SeqConflictException", false, false);
        }
        if (type == EventType.NOTE && (e.content() == null || e.content().isBlank())) {
            throw new Refusal("InvalidEventException", false, false);
        }
        if (type == EventType.DECLARE && inc != null) {
            throw new Refusal("IncidentExistsException", true, false);
        }
        IncidentStatus before = inc == null ? null : inc.status;
        IncidentStatus after = type == EventType.DECLARE ? IncidentStatus.DECLARED : statusAfter(inc, type, to, newSeverity);
        Severity previous = inc == null ? null : inc.severity;
        if (inc == null) {
            inc = new Inc(id);
            inc.severity = newSeverity;
            incidents.put(id, inc);
            if (e.correlationKey() != null) {
                inc.keys.add(e.correlationKey());
                openKeys.put(e.correlationKey(), id);
            }
        } else if (type == EventType.STATE_CHANGE && newSeverity != null) {
            inc.severity = newSeverity;
        }
        inc.status = after;
        inc.seq++;
        Severity at = previous != null && type == EventType.STATE_CHANGE && newSeverity != null
                && previous.ordinal() < newSeverity.ordinal() ? previous : inc.severity;
        inc.log.add(new Logged(inc.seq, type, e.principal(), at));
        if (before != null && before != IncidentStatus.RESOLVED && before != IncidentStatus.CLOSED && !inc.open()) {
            openKeys.values().removeIf(id::equals);
        } else if (before == IncidentStatus.RESOLVED && inc.open()) {
            for (String key : inc.keys) {
                openKeys.putIfAbsent(key, id); // a key another open incident took meanwhile stays there
            }
        }
        if (ceKey != null) {
            storedCe.put(ceKey, new Stored(id, inc.seq));
        }
        return inc.seq;
    }

    private static IncidentStatus statusAfter(Inc inc, EventType type, IncidentStatus to, Severity newSeverity) {
        IncidentStatus target = switch (type) {
            case ACK -> IncidentStatus.ACKNOWLEDGED;
            case MITIGATE -> IncidentStatus.MITIGATED;
            case RESOLVE -> IncidentStatus.RESOLVED;
            case CLOSE -> IncidentStatus.CLOSED;
            case STATE_CHANGE -> to;
            default -> null;
        };
        if (target != null) {
            boolean reopen = type == EventType.STATE_CHANGE && inc.status == IncidentStatus.RESOLVED
                    && target == IncidentStatus.ACKNOWLEDGED;
            if (!reopen && !FROM.get(target).contains(inc.status)) {
                throw new Refusal("TransitionRefusedException", true, target == inc.status);
            }
        }
        if (type == EventType.STATE_CHANGE && newSeverity != null) {
            if (inc.status == IncidentStatus.CLOSED) {
                throw new Refusal("TransitionRefusedException", true, false);
            }
            if (newSeverity == inc.severity) {
                throw new Refusal("TransitionRefusedException", true, true);
            }
        }
        return target == null ? inc.status : target;
    }

    private static IncidentStatus stateChangeTo(NewEvent e) {
        return e.type() == EventType.STATE_CHANGE && e.data().hasNonNull("to")
                ? IncidentStatus.fromWire(e.data().get("to").asText()).orElseThrow() : null;
    }

    private static Severity severityOf(NewEvent e) {
        if (e.type() == EventType.DECLARE) {
            return e.severity() == null ? Severity.SEV3 : e.severity();
        }
        return e.type() == EventType.STATE_CHANGE && e.data().hasNonNull("severity")
                ? Severity.fromWire(e.data().get("severity").asText()).orElseThrow() : null;
    }
}
