package dev.incidentgateway.timeline;

/**
 * The writer's queue of appends waiting for their group commit is full: the store does not keep up with the appends
 * coming in (the database is slow, or the load above what it takes). Answered as any {@link StoreUnavailableException}
 * (503 with Retry-After, counted as such in {@code gateway_append_errors_total}); its own class lets the log say so
 * once a minute instead of a WARN per refused append.
 */
public final class AppendQueueFullException extends StoreUnavailableException {
    public AppendQueueFullException(int capacity) {
        super("too many appends waiting (" + capacity + ", GATEWAY_APPEND_QUEUE_CAPACITY); retry shortly", null);
    }
}
