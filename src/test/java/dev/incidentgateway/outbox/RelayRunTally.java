package dev.incidentgateway.outbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What {@link OutboxRelayPropertyContract} ran on one store: tries, rows by final status, calls by answer, restarts. */
final class RelayRunTally {
    private final long started = System.nanoTime();
    private int tries;
    private final Map<String, Integer> rows = new TreeMap<>();
    private final Map<String, Integer> calls = new TreeMap<>();
    int restarts;
    int skips;
    private int abandonedStops;
    private int replayedRows;

    synchronized void add(List<OutboxRow> finalRows, List<RecordingVendor.Call> madeCalls, int abandoned, int replayed) {
        tries++;
        finalRows.forEach(r -> rows.merge(r.status(), 1, Integer::sum));
        madeCalls.forEach(c -> calls.merge(c.answer().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        abandonedStops += abandoned;
        replayedRows += replayed;
    }

    synchronized String summary(String store) {
        return String.format(Locale.ROOT, "outbox relay property store=%s tries=%d seconds=%d rows=%s calls=%s restarts=%d "
                        + "abandoned_stops=%d replayed_rows=%d skipped_rows=%d%n", store, tries, (System.nanoTime() - started) / 1_000_000_000L,
                rows, calls, restarts, abandonedStops, replayedRows, skips);
    }
}
