package dev.incidentgateway.timeline;

/**
 * A group was staged on the head this writer's last commit left, and under the append lock the store's head turned out
 * to be another (another gateway instance appended to the same PostgreSQL meanwhile). Nothing was written; the writer
 * rolls back, forgets what it remembered and stages the group again under the lock.
 */
final class StaleHeadException extends RuntimeException {
    StaleHeadException(GlobalChain.Head expected) {
        super("the store's head is no longer " + (expected == null ? "empty" : expected.lastEventId()), null, false, false);
    }
}
