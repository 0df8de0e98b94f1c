package dev.incidentgateway.timeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Stops sending appends to a store that keeps failing: after {@code threshold} appends in a row ended with an unknown
 * outcome (timed out, or the store failed around the transaction) or could not get a connection
 * ({@link StoreUnreachableException}), appends are refused at once (503, nothing stored)
 * instead of each tying up an HTTP worker for the whole append timeout. It closes again by itself as soon as the
 * background health probe has succeeded with a probe that started after the breaker opened.
 *
 * <p>Data errors of single requests (a value too long, a refused transition) never count: only the store's own.
 */
public final class AppendCircuitBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(AppendCircuitBreaker.class);

    private final int threshold;
    private final LongSupplier lastProbeSuccessStart;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile boolean open;
    private volatile long openedAt;

    /** @param lastProbeSuccessStart {@link System#nanoTime()} at which the last successful store probe started */
    public AppendCircuitBreaker(int threshold, LongSupplier lastProbeSuccessStart) {
        this.threshold = threshold;
        this.lastProbeSuccessStart = lastProbeSuccessStart;
    }

    /** True when an append may go to the store; closes the breaker once a probe started after it opened succeeded. */
    public boolean allows() {
        if (!open) {
            return true;
        }
        if (lastProbeSuccessStart.getAsLong() - openedAt > 0) {
            open = false;
            consecutiveFailures.set(0);
            LOG.info("The store answers again: appends are accepted");
            return true;
        }
        return false;
    }

    public void succeeded() {
        consecutiveFailures.set(0);
    }

    public void failed() {
        if (consecutiveFailures.incrementAndGet() >= threshold && !open) {
            openedAt = System.nanoTime();
            open = true;
            LOG.warn("{} appends in a row failed in the store: appends are refused at once until it answers again", threshold);
        }
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * Whether an append would be refused right now, without closing the breaker: {@link #isOpen()} stays true after the
     * store answers again until the next append asks {@link #allows()}, which a quiet gateway may not do for a long time,
     * so a metric read from it would keep an alert firing.
     */
    public boolean refusing() {
        return open && lastProbeSuccessStart.getAsLong() - openedAt <= 0;
    }
}
