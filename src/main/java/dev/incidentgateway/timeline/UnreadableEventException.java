package dev.incidentgateway.timeline;

/**
 * A {@code timeline_events} row the gateway cannot read (a type that is no event type, {@code data} that is not a JSON
 * object): the gateway never writes one, so the row was changed outside it. Not transient, unlike
 * {@link StoreUnavailableException}: every read of the row fails the same way until the log is repaired, so the API
 * answers 500 {@code unreadable-event} naming the event, and {@code verify} reports the row and goes on.
 */
public final class UnreadableEventException extends RuntimeException {
    private final String eventId;
    private final String reason;

    public UnreadableEventException(String eventId, String reason) {
        super("event " + eventId + " in the store cannot be read: " + reason, null, false, false);
        this.eventId = eventId;
        this.reason = reason;
    }

    public String eventId() {
        return eventId;
    }

    /** What is wrong with the row, without its values (e.g. "its data is not valid JSON"). */
    public String reason() {
        return reason;
    }
}
