package dev.incidentgateway.timeline;

/**
 * What became of one event of an append request.
 *
 * @param kind       appended, a duplicate of an earlier event, or absorbed by correlation
 * @param event      the stored event (for a duplicate: the one stored earlier; for a correlated declare more severe than
 *                   its incident: the {@code state_change} that escalated it); {@code null} when nothing was appended for
 *                   a correlated or ignored event
 * @param incidentId the incident the event belongs to ({@code null} when ignored)
 * @param refusal    for REFUSED by the store (the state machine, an unknown incident): why, so a poller can say
 *                   which change of which ticket did not reach the timeline; else {@code null}
 */
public record AppendOutcome(Kind kind, TimelineEvent event, String incidentId,
                            // an operator's route that marshals outcomes as JSON must not write out an exception and its stack
                            @com.fasterxml.jackson.annotation.JsonIgnore AppendRejectedException refusal) {

    public AppendOutcome(Kind kind, TimelineEvent event, String incidentId) {
        this(kind, event, incidentId, null);
    }

    /** The fate of an event. */
    public enum Kind {
        /** Stored as a new event. */
        APPENDED,
        /** Its (ceSource, ceId) was stored before: nothing appended, {@link #event} is the original. */
        DUPLICATE,
        /**
         * A declare whose correlation key has an open incident: not stored, the incident's repeat count grows; when the
         * declare's severity is higher than the incident's, {@link #event} is the {@code state_change} to it the store
         * appended in the same transaction, else {@code null}.
         */
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

    /** A polled event the state machine refused (nothing stored). */
    public static AppendOutcome refused(String incidentId, AppendRejectedException why) {
        return new AppendOutcome(Kind.REFUSED, null, incidentId, why);
    }

    public boolean duplicate() {
        return kind == Kind.DUPLICATE;
    }
}
