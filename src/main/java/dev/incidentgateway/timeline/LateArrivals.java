package dev.incidentgateway.timeline;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Waits briefly for the rest of the callers the last group answered, when each of them was a thread blocked on its
 * append ({@code callerWaits}: {@link TimelineStore#appendAll} and the like). Such callers come back one by one
 * within microseconds of a commit, while the writer would start the next group at once with those already back:
 * groups of 23–29 of 32 such callers (bench/README.md, Append), each paying the whole per-commit cost (H2 rewrites every index page the group touches; PostgreSQL a
 * lock round trip and an fsync). The wait ends as soon as as many requests as the last group had are here, and at
 * the deadline ({@link #GATHER_NANOS} after the first of them came back) at the latest: a lone caller (last group
 * of one) never waits, and when fewer callers come back the
 * expectation falls with the next group. The writer sleeps meanwhile, leaving the CPU to the callers.
 * Asynchronous requests (webhooks: answered when their group commits) come back only after an HTTP round trip, and
 * waiting for them cost webhook ingest on H2 ≈ 11 % (quiet A/B, bench/README.md "Webhook ingest"), so a group with
 * any of them does not wait. Used by the writer thread of {@link TimelineWriter} only.
 */
final class LateArrivals {
    /** Longest wait for the callers of the last group to come back. */
    static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final BlockingQueue<TimelineWriter.Request> queue;
    private final int maxBatch;
    /** Requests in the last group: how many callers are probably coming back. */
    private int lastGroupSize;
    /** Whether every request of the last group had a thread blocked on it. */
    private boolean lastGroupWaited;

    LateArrivals(BlockingQueue<TimelineWriter.Request> queue, int maxBatch) {
        this.queue = queue;
        this.maxBatch = maxBatch;
    }

    /** Adds to {@code batch} (its first request just taken) the callers of the last group that come back in time. */
    void gather(List<TimelineWriter.Request> batch) throws InterruptedException {
        if (lastGroupWaited) {
            // From the first caller's return, not from when this thread began to wait: with a group in flight it
            // waits from long before that group commits and its callers come back.
            gatherLateArrivals(batch, System.nanoTime() + GATHER_NANOS);
        }
    }

    /** The group just handled: what the next wait expects. */
    void lastGroup(List<TimelineWriter.Request> batch) {
        lastGroupSize = batch.size();
        lastGroupWaited = batch.stream().allMatch(TimelineWriter.Request::callerWaits);
    }

    private void gatherLateArrivals(List<TimelineWriter.Request> batch, long deadline) throws InterruptedException {
        int expected = Math.min(maxBatch, lastGroupSize);
        while (batch.size() < expected) {
            long left = deadline - System.nanoTime();
            TimelineWriter.Request next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }
}
