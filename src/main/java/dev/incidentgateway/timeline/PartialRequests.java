package dev.incidentgateway.timeline;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link AppendMode}s that do not refuse a request whole for an event the store refuses: each applies the request
 * through {@link AppendTransaction#apply}, all-or-nothing, on the events left once the refused ones are taken out.
 */
final class PartialRequests {
    private PartialRequests() {
    }

    /**
     * Best effort, for polled changes: each event on its own, a refused one reported as {@link AppendOutcome.Kind#REFUSED}
     * instead of failing the request, so one change the state machine refuses cannot block a source's progress.
     */
    static List<AppendOutcome> eachEvent(AppendTransaction tx, List<NewEvent> events) throws SQLException {
        List<AppendOutcome> outcomes = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            try {
                outcomes.addAll(tx.apply(List.of(e)));
            } catch (AppendRejectedException refused) {
                outcomes.add(AppendOutcome.refused(e.incidentId(), refused));
            }
        }
        return outcomes;
    }

    /**
     * A machine sender's batch ({@link AppendMode#SENDER_BATCH}): the request without the events the state machine
     * refuses, all-or-nothing; each refused one is left out and the rest applied again (a later event may have
     * depended on it), so what is staged is exactly what one all-or-nothing request of the remaining events stages.
     * An event that would only repeat its incident's state is IGNORED, another refused one REFUSED with its index.
     */
    static List<AppendOutcome> senderBatch(AppendTransaction tx, List<NewEvent> request) throws SQLException {
        AppendOutcome[] outcomes = new AppendOutcome[request.size()];
        List<Integer> left = new ArrayList<>(java.util.stream.IntStream.range(0, request.size()).boxed().toList());
        while (true) {
            try {
                List<AppendOutcome> applied = tx.apply(left.stream().map(request::get).toList());
                for (int i = 0; i < left.size(); i++) {
                    outcomes[left.get(i)] = applied.get(i);
                }
                return List.of(outcomes);
            } catch (TransitionRefusedException refused) {
                int at = left.remove(refused.index());
                String incidentId = request.get(at).incidentId();
                outcomes[at] = refused.repeat() ? new AppendOutcome(AppendOutcome.Kind.IGNORED, null, incidentId)
                        : AppendOutcome.refused(incidentId, refused.at(at));
            } catch (AppendRejectedException refusedWhole) {
                // Refused in the request without the items left out: its index is the place in the sender's batch.
                throw refusedWhole.index() < 0 ? refusedWhole : refusedWhole.at(left.get(refusedWhole.index()));
            }
        }
    }
}
