package dev.incidentgateway.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Waits until a run of {@link OutboxRelayPropertyContract} has nothing left that could still change: no row that can
 * still be delivered (every pending row is held back by a dead one), no delivery running, no call open, and the rows
 * and calls the same over a few polls. No timed assertion: the limit only ends a run that never settles, as a failure.
 */
final class RelaySettling {
    private static final int STABLE_POLLS = 3;
    private final OutboxStore outbox;
    private final RecordingVendor vendor;
    private final List<RelayInstance> instances;

    RelaySettling(OutboxStore outbox, RecordingVendor vendor, List<RelayInstance> running, List<RelayInstance> stopped) {
        this.outbox = outbox;
        this.vendor = vendor;
        this.instances = new ArrayList<>(running);
        this.instances.addAll(stopped);
    }

    void await(Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        String last = null;
        for (int stable = 0; stable < STABLE_POLLS; ) {
            List<OutboxRow> rows = outbox.list(null, null, 0, 100_000);
            List<OutboxRow> deliverable = stillDeliverable(rows);
            boolean quiet = deliverable.isEmpty() && vendor.open() == 0 && instances.stream().noneMatch(RelayInstance::busy);
            String state = rows.stream().map(r -> r.id() + r.status() + r.attempts()).collect(Collectors.joining(",")) + "/"
                    + vendor.calls().size();
            stable = quiet && state.equals(last) ? stable + 1 : 0;
            if (System.nanoTime() - until > 0) {
                throw new AssertionError("the run did not settle within " + limit + ": still deliverable " + deliverable
                        + ", calls open " + vendor.open());
            }
            last = state;
            Thread.sleep(100);
        }
    }

    /** Pending rows with no dead row before them in their incident and connector: the relay still owes them a delivery. */
    static List<OutboxRow> stillDeliverable(List<OutboxRow> rows) {
        Set<String> blocked = new HashSet<>();
        List<OutboxRow> out = new ArrayList<>();
        for (OutboxRow row : rows.stream().sorted(Comparator.comparingLong(OutboxRow::eventSeq)).toList()) {
            String group = row.connector() + "/" + row.incidentId();
            if ("dead".equals(row.status())) {
                blocked.add(group);
            } else if ("pending".equals(row.status()) && !blocked.contains(group)) {
                out.add(row);
            }
        }
        return out;
    }
}
