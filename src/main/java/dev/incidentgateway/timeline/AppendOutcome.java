package dev.incidentgateway.timeline;

/**
 * What became of one event of an append request.
 *
 * @param kind       appended, a duplicate of an earlier event, or absorbed by correlation
 * @param event      the stored event (for a duplicate: the one stored earlier); {@code null} when nothing
 *                   was appended for a correlated or ignored event
 * @param incidentId the incident the event belongs to ({@code null} when ignored)
 */
public record AppendOutcome(Kind kind, TimelineEvent event, String incidentId) {

    /** The fate of an event. */
    public enum Kind {
        /** Stored as a new event. */
        APPENDED,
        /** Its (ceSource, ceId) was stored before: nothing appended, {@link #event} is the original. */
        DUPLICATE,
        /** A declare whose correlation key has an open incident: no event, the incident's repeat count grows. */
        CORRELATED,
        /** Refers by correlation key to no open incident (e.g. a resolve of an unknown alert): nothing to do. */
        IGNORED,
        /** Refused by the state machine inside a best-effort (polled) request; the other events went on. */
        REFUSED
    }

    public static AppendOutcome appended(TimelineEvent e) {
        return new AppendOutcome(Kind.APPENDED, e, e.incidentId());
    }

    public static AppendOutcome duplicate(TimelineEvent original) {
        return new AppendOutcome(Kind.DUPLICATE, original, original.incidentId());
    }

    public boolean duplicate() {
        return kind == Kind.DUPLICATE;
    }
}
