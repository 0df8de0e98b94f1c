package dev.incidentgateway.timeline;

/**
 * An append refused for a reason of the domain (not of the database): nothing of the request was stored,
 * and the other appends committed in the same group are not affected.
 */
public abstract class AppendRejectedException extends RuntimeException {
    /** The refused event's place in its request (0-based), -1 when not known. */
    private int index = -1;

    protected AppendRejectedException(String message) {
        super(message, null, false, false);
    }

    /**
     * Set by the store, the only one that knows which event of a request it refused, so that a batch's answer can name
     * the sender's item ({@code [1].type}). Kept on this exception rather than a wrapper: onException clauses and the
     * error metrics go by its type. Each refusal is a new instance, so setting it once is safe.
     */
    AppendRejectedException at(int index) {
        this.index = index;
        return this;
    }

    /** The refused event's place in its request (0-based), or -1 when the refusal came before any event was applied. */
    public int index() {
        return index;
    }
}
