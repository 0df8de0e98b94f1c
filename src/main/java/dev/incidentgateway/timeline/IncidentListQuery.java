package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlLists;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The statement of an incident list ({@link TimelineStore#incidents(Set, Set, int)}) and its parameters: incidents,
 * newest declared first, of any of {@code statuses} and {@code severities} (empty: any). Ordered by
 * (status,) declared_at DESC, id DESC: the columns of ix_incidents_status_declared / ix_incidents_declared (V13_3;
 * ascending on PostgreSQL since V13_5, read backwards) from the first, so both stores read just {@code limit} index
 * entries (H2 sorts every incident of the status when the constant status is left out). Several statuses are one
 * such read per status, {@code UNION ALL}, and the newest {@code limit} of those: an {@code IN} list would make both
 * stores sort every incident of the statuses (thousands of resolved ones) for one page. A severity is a filter on
 * the index's order, which stops at {@code limit} matches.
 */
record IncidentListQuery(String sql, String[] params) {

    static IncidentListQuery of(Set<IncidentStatus> statuses, Set<Severity> severities, int limit) {
        List<String> params = new ArrayList<>();
        String severityIn = severities.isEmpty() ? "" : "severity IN (" + SqlLists.marks(severities.size()) + ")";
        List<String> severityNames = severities.stream().sorted().map(Severity::wireName).toList();
        String order = " ORDER BY declared_at DESC, id DESC LIMIT " + limit;
        if (statuses.isEmpty() || statuses.size() == IncidentStatus.values().length) {
            params.addAll(severityNames);
            return new IncidentListQuery("SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM incidents"
                    + (severityIn.isEmpty() ? "" : " WHERE " + severityIn) + order, params.toArray(String[]::new));
        }
        List<String> reads = new ArrayList<>();
        for (IncidentStatus status : new java.util.TreeSet<>(statuses)) {
            reads.add("SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM incidents WHERE status = ?"
                    + (severityIn.isEmpty() ? "" : " AND " + severityIn) + " ORDER BY status, declared_at DESC, id DESC LIMIT " + limit);
            params.add(status.wireName());
            params.addAll(severityNames);
        }
        String sql = reads.size() == 1 ? reads.get(0) : "SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM ("
                + String.join(" UNION ALL ", reads.stream().map(read -> "(" + read + ")").toList()) + ") listed" + order;
        return new IncidentListQuery(sql, params.toArray(String[]::new));
    }
}
