package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SLA clocks of incidents now, as the API answers them: one incident's ({@code GET /api/v1/incidents/{id}/sla}) or
 * those of many at once ({@code GET /api/v1/sla}). Both read the events that can move a clock as the tracker's scan does
 * ({@link SlaTimelines#of}) and compute with {@link SlaCalculator}, so the two endpoints agree to the nanosecond for the
 * same instant.
 */
final class SlaClockReader {
    /** Most incidents of one batch: one page of the tracker's reads, one statement for their rows and one for their events. */
    static final int MAX_BATCH = SlaIncidents.PAGE;

    private final SlaIncidents incidents;
    private final SlaTimelines timelines;
    private final SlaPolicies policies;
    private final Clock clock;

    SlaClockReader(TimelineStore store, SlaPolicies policies, Clock clock) {
        this.incidents = new SlaIncidents(store);
        this.timelines = new SlaTimelines(store);
        this.policies = policies;
        this.clock = clock;
    }

    /** One incident's clocks and what the answer says of it. */
    record IncidentClocks(String incidentId, Severity severity, IncidentStatus status, List<SlaClock> targets) {
    }

    /**
     * The clocks of one incident now (empty when its severity has no policy), from its events that can move a clock:
     * reading its whole timeline (every note's content, 7,000 events in 1.3 s) was the cost of the endpoint, and notes
     * never move a clock.
     */
    List<SlaClock> clocks(Incident incident) {
        if (policies.of(incident.severity()).isEmpty()) {
            return List.of();
        }
        return clocks(incident.severity(), timelines.of(Map.of(incident.id(), incident.lastSeq())).get(incident.id()), clock.instant());
    }

    /**
     * The clocks of the incidents of {@code ids} that exist (at most {@link #MAX_BATCH}; in the order asked, each once),
     * all at one instant. Set-based, as the tracker reads a page: one statement for the incidents' rows, one for the events
     * of all of them; only an incident of more than {@link SlaTimelines#WINDOW} events is read alone, in windows. The
     * console's incident list asked {@code /incidents/{id}/sla} once per row on every live update instead: a hundred
     * requests and two hundred statements per refresh, which met the per-principal rate limit.
     */
    List<IncidentClocks> clocksOf(List<String> ids) {
        if (ids.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " incidents, got " + ids.size());
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        Map<String, SlaIncidents.Candidate> rows = incidents.rows(distinct).stream()
                .collect(Collectors.toMap(SlaIncidents.Candidate::id, Function.identity(), (a, b) -> a));
        Map<String, SlaTimelines.Timeline> read = timelines.of(rows.values().stream()
                .filter(row -> policies.of(row.severity()).isPresent())
                .collect(Collectors.toMap(SlaIncidents.Candidate::id, SlaIncidents.Candidate::lastSeq)));
        Instant now = clock.instant();
        List<IncidentClocks> out = new ArrayList<>();
        for (String id : distinct) {
            SlaIncidents.Candidate row = rows.get(id);
            if (row != null) {
                out.add(new IncidentClocks(id, row.severity(), row.status(), clocks(row.severity(), read.get(id), now)));
            }
        }
        return out;
    }

    /** The clocks of an incident of {@code severity} with {@code timeline} ({@code null}: no events) at {@code now}. */
    private List<SlaClock> clocks(Severity severity, SlaTimelines.Timeline timeline, Instant now) {
        Optional<SlaPolicy> policy = policies.of(severity);
        if (policy.isEmpty()) {
            return List.of();
        }
        return SlaCalculator.clocks(policy.get(), timeline == null ? List.of() : timeline.clockEvents(), now);
    }
}
