package dev.incidentgateway.timeline;

/**
 * An append refused for a reason of the domain (not of the database): nothing of the request was stored,
 * and the other appends committed in the same group are not affected.
 */
public abstract class AppendRejectedException extends RuntimeException {
    protected AppendRejectedException(String message) {
        super(message, null, false, false);
    }
}
