package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A group transaction's staged events, sealed ({@link AppendTransaction#seal}): each event's row with its global hash,
 * the global chain ({@link GlobalChain}) continued from the head the transaction follows, and the head it will leave.
 */
record SealedEventRows(List<GroupWrites.EventRow> rows, GlobalChain.Head headAfter) {

    /** @param head the newest stored event the transaction follows ({@code null}: empty log); also the head after, if nothing was staged */
    static SealedEventRows seal(ChainKey chainKey, Connection reads, GlobalChain.Head head, List<TimelineEvent> stagedEvents,
                                EventStamper stamper) throws SQLException {
        List<GroupWrites.EventRow> rows = new ArrayList<>(stagedEvents.size());
        GlobalChain.Head headAfter = head;
        if (!stagedEvents.isEmpty()) {
            // Staged events are in id order (ids are handed out in staging order), which is the global chain's order.
            String global = globalHashBefore(chainKey, reads, head);
            for (TimelineEvent e : stagedEvents) {
                global = GlobalChain.next(chainKey, global, e.hash());
                rows.add(new GroupWrites.EventRow(e, stamper.canonicalData(e.id()), global));
            }
            headAfter = new GlobalChain.Head(stagedEvents.get(stagedEvents.size() - 1).id(), global);
        }
        return new SealedEventRows(rows, headAfter);
    }

    /**
     * The global hash the first event of this transaction follows: the head's, or, when the log is empty or holds
     * only events from before keyed hashing, the seal of those events (computed once, by the first keyed append).
     */
    private static String globalHashBefore(ChainKey chainKey, Connection reads, GlobalChain.Head head) throws SQLException {
        if (head != null && head.globalHash() != null) {
            return head.globalHash();
        }
        return GlobalChain.sealOfLegacy(chainKey, reads, head == null ? null : head.lastEventId());
    }
}
