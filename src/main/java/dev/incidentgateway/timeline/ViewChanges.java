package dev.incidentgateway.timeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The incident views a group changed, split by what changed. Most events (notes, and any event that neither moves the
 * status nor sets a field of the view) change only the view's head: {@code last_event_id}, {@code last_seq},
 * {@code last_hash}. Those rows are written with an {@code UPDATE} of the three columns; new incidents and views whose
 * other fields changed keep the whole-row upsert. Writing three columns instead of fourteen cut the view write's cost per
 * note (bench/append.sh, session 36: the H2 {@code MERGE} of every column and, on PostgreSQL, binding 14 arrays where 4
 * do). The other columns are the same in the store and in {@code before} (the views the group was staged on: only the
 * writer, under the append lock, changes them), so the row ends up exactly as the upsert would leave it.
 *
 * @param whole     views to upsert whole: new incidents, or another column than the head changed
 * @param headOnly  views of stored incidents whose head alone moved
 */
record ViewChanges(List<Incident> whole, List<Incident> headOnly) {

    /**
     * Splits {@code after} (the group's views) by comparison with {@code before} (each incident's view before the group;
     * absent or {@code null}: not stored, so written whole).
     */
    static ViewChanges of(Map<String, Incident> before, Collection<Incident> after) {
        List<Incident> whole = new ArrayList<>();
        List<Incident> headOnly = new ArrayList<>();
        for (Incident now : after) {
            Incident was = before.get(now.id());
            (was != null && onlyHeadDiffers(was, now) ? headOnly : whole).add(now);
        }
        return new ViewChanges(List.copyOf(whole), List.copyOf(headOnly));
    }

    private static boolean onlyHeadDiffers(Incident was, Incident now) {
        return was.equals(new Incident(now.id(), now.title(), now.severity(), now.status(), now.commander(),
                now.declaredAt(), now.acknowledgedAt(), now.mitigatedAt(), now.resolvedAt(), now.closedAt(),
                was.lastEventId(), was.lastSeq(), was.lastHash(), now.alertRepeats()));
    }

    boolean isEmpty() {
        return whole.isEmpty() && headOnly.isEmpty();
    }

    int size() {
        return whole.size() + headOnly.size();
    }
}
