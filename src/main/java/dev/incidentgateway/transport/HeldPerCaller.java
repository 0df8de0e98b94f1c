package dev.incidentgateway.transport;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each caller holds at once, against one bound per caller: the reads that scan a whole incident
 * ({@code GATEWAY_EXPENSIVE_READS_MAX}, a caller gets half) and the live streams ({@code GATEWAY_STREAM_MAX_PER_PRINCIPAL}).
 * Every {@link #tryAcquire} that returned true must be matched by exactly one {@link #release}, in a {@code finally} or
 * in the handler that runs when the caller's connection ends, however it ends, so a caller who disconnects mid-way gives
 * its share back. A caller holding nothing has no entry: the map is bounded by what is held, not by who ever asked.
 */
public final class HeldPerCaller {
    private final int max;
    /** What each caller holds, always 1..max; check and count in one atomic step per caller. */
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    /** @param max what one caller may hold at once (at least 1) */
    public HeldPerCaller(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
    }

    /** Counts one more for {@code caller}, or nothing and false when it already holds {@link #max()}. */
    public boolean tryAcquire(String caller) {
        boolean[] acquired = {false};
        held.compute(caller, (name, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    /** Gives back one that {@link #tryAcquire} counted for {@code caller}; its entry goes with its last one. */
    public void release(String caller) {
        held.computeIfPresent(caller, (name, count) -> count <= 1 ? null : count - 1);
    }

    /** What one caller may hold at once. */
    public int max() {
        return max;
    }

    /** What {@code caller} holds now. */
    public int held(String caller) {
        return held.getOrDefault(caller, 0);
    }

    /** How many callers hold anything now. */
    public int callers() {
        return held.size();
    }
}
