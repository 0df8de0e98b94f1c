package dev.incidentgateway.outbox;

import dev.incidentgateway.outbox.RecordingVendor.Call;
import dev.incidentgateway.outbox.RelayScript.Kind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@link OutboxRelayPropertyContract} checks once a run has settled, from the rows and the vendor's record
 * (README, "Outbound connectors … through a transactional outbox" and "Outbox under faults"):
 * <ul>
 *   <li>every committed event has one row per connector, and every row ended delivered, dead or skipped, or is pending
 *       behind a dead row of its incident and connector;</li>
 *   <li>per incident and connector the successful calls go in seq order, and nothing after a row still dead succeeded;</li>
 *   <li>a delivered row was delivered once: a second successful call is allowed only right after one whose outcome an
 *       instance stopped at shutdown may have left unrecorded (its drain timed out: at-least-once, README); a row not
 *       delivered has no successful call but such a one;</li>
 *   <li>a rate-limited row is not called again before its Retry-After has passed;</li>
 *   <li>attempts and the last error live in the row: a delivered row counts the failed attempts since its last replay
 *       plus one, a dead (or skipped dead) row those attempts, ended by a permanent failure or the last allowed attempt,
 *       with that call's error.</li>
 * </ul>
 *
 * @param abandonedInstances relay generations stopped with deliveries still under way (outcomes possibly unrecorded)
 * @param lastReplay         for each row an operator replayed, the order of the last replay ({@link RecordingVendor#tick})
 * @param committed          for each incident, the seqs of its committed events
 */
record RelayRunInvariants(List<OutboxRow> rows, List<Call> calls, Set<Integer> abandonedInstances, Map<Long, Long> lastReplay,
                          List<String> connectors, Map<String, List<Long>> committed, int maxAttempts) {

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<String, List<OutboxRow>> groups = rows.stream().collect(Collectors.groupingBy(r -> r.connector() + "/" + r.incidentId(),
                TreeMap::new, Collectors.toList()));
        for (String connector : connectors) {
            committed.forEach((incident, seqs) -> {
                List<Long> rowSeqs = groups.getOrDefault(connector + "/" + incident, List.of()).stream()
                        .map(OutboxRow::eventSeq).sorted().toList();
                if (!rowSeqs.equals(seqs)) {
                    problems.add(connector + "/" + incident + ": rows for seqs " + rowSeqs + ", committed " + seqs);
                }
            });
        }
        RelaySettling.stillDeliverable(rows).forEach(r -> problems.add(r.connector() + "/" + r.incidentId() + " row " + r.id()
                + " seq " + r.eventSeq() + ": still pending with no dead row before it"));
        Map<String, List<Call>> callsByGroup = calls.stream().sorted(Comparator.comparingLong(Call::start))
                .collect(Collectors.groupingBy(c -> c.connector() + "/" + c.incident()));
        groups.forEach((group, groupRows) -> checkGroup(group, groupRows.stream().sorted(Comparator.comparingLong(OutboxRow::eventSeq))
                .toList(), callsByGroup.getOrDefault(group, List.of()), problems));
        return problems;
    }

    private void checkGroup(String group, List<OutboxRow> groupRows, List<Call> groupCalls, List<String> problems) {
        Set<Call> excused = excused(groupCalls);
        List<Long> succeeded = groupCalls.stream().filter(Call::succeeded).map(Call::seq).toList();
        for (int i = 1; i < succeeded.size(); i++) {
            if (succeeded.get(i) < succeeded.get(i - 1)) {
                problems.add(group + ": successful calls out of seq order " + succeeded);
                break;
            }
        }
        Long deadSeq = null;
        for (OutboxRow row : groupRows) {
            String where = group + " row " + row.id() + " seq " + row.eventSeq() + " (" + row.status() + ", attempts "
                    + row.attempts() + ", lastError " + row.lastError() + ")";
            if (deadSeq != null && succeeded.stream().anyMatch(s -> s.equals(row.eventSeq()))) {
                problems.add(where + ": delivered although row seq " + deadSeq + " before it is dead");
            }
            if ("dead".equals(row.status()) && deadSeq == null) {
                deadSeq = row.eventSeq();
            }
            checkRow(where, row, groupCalls.stream().filter(c -> c.rowId() == row.id()).toList(), excused, problems);
        }
    }

    /**
     * The calls whose outcome may not have been recorded: those of a stopped instance whose drain ran out. Such an
     * instance's slot records nothing after the stop and claims nothing more, so it is at most the last call the instance
     * made for the incident and connector.
     */
    private Set<Call> excused(List<Call> groupCalls) {
        Map<Integer, Call> lastOfInstance = new TreeMap<>();
        groupCalls.stream().filter(c -> abandonedInstances.contains(c.instance())).forEach(c -> lastOfInstance.merge(c.instance(), c,
                (a, b) -> a.start() > b.start() ? a : b));
        return Set.copyOf(lastOfInstance.values());
    }

    private void checkRow(String where, OutboxRow row, List<Call> rowCalls, Set<Call> excused, List<String> problems) {
        List<Call> successes = rowCalls.stream().filter(Call::succeeded).toList();
        List<Call> unexcused = successes.stream().filter(c -> !excused.contains(c)).toList();
        boolean delivered = "delivered".equals(row.status());
        if (unexcused.size() > 1) {
            problems.add(where + ": delivered successfully " + unexcused.size() + " times, calls " + starts(unexcused));
        }
        if (delivered && successes.isEmpty()) {
            problems.add(where + ": marked delivered but the vendor never took it");
        }
        if (!delivered && !unexcused.isEmpty()) {
            problems.add(where + ": the vendor took it (calls " + starts(unexcused) + ") but the row is not delivered");
        }
        for (int i = 1; i < rowCalls.size(); i++) {
            Call limited = rowCalls.get(i - 1);
            // The relay's clock and this one are the same wall clock; the row keeps millisecond times at least.
            java.time.Instant due = limited.endedAt().plusMillis(limited.retryAfterMillis() - 1L);
            if (limited.answer() == Kind.RATE_LIMITED && !excused.contains(limited) && rowCalls.get(i).startedAt().isBefore(due)) {
                problems.add(where + ": called again at " + rowCalls.get(i).startedAt() + ", before the Retry-After of "
                        + limited.retryAfterMillis() + " ms from " + limited.endedAt() + " had passed");
            }
        }
        long since = lastReplay.getOrDefault(row.id(), 0L);
        List<Call> current = rowCalls.stream().filter(c -> c.start() > since).toList();
        int counted = (int) current.stream().filter(Call::counted).count();
        if (current.stream().anyMatch(excused::contains)) {
            if (row.attempts() > counted + 1) {
                problems.add(where + ": more attempts than the " + counted + " failed calls since its last replay, plus one");
            }
            return;
        }
        switch (row.status()) {
            case "delivered" -> {
                if (row.attempts() != counted + 1 || row.lastError() != null) {
                    problems.add(where + ": expected attempts " + (counted + 1) + " and no last error after calls " + kinds(current));
                }
            }
            case "dead", "skipped" -> {
                Call last = current.isEmpty() ? null : current.get(current.size() - 1);
                if (last == null || row.attempts() != counted || !(last.answer() == Kind.PERMANENT || counted == maxAttempts)
                        || row.lastError() == null || !row.lastError().contains(last.reason())) {
                    problems.add(where + ": expected attempts " + counted + ", dead by a permanent answer or attempt "
                            + maxAttempts + ", the last call's error, after calls " + kinds(current));
                }
            }
            default -> {
                if (!current.isEmpty() || row.attempts() != 0) {
                    problems.add(where + ": held back, yet called " + kinds(current));
                }
            }
        }
    }

    private static List<Long> starts(List<Call> calls) {
        return calls.stream().map(Call::start).toList();
    }

    private static List<String> kinds(List<Call> calls) {
        return calls.stream().map(c -> c.answer() + "@" + c.start() + "/i" + c.instance()).toList();
    }
}
