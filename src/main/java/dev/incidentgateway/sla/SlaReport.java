package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.QueryInstant;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/reports/sla?from=&to=}: for the incidents declared in [from, to) (default: the last 30 days), per
 * severity the incident count, MTTA and MTTR (median and p90, wall-clock seconds from the declaration to the first
 * acknowledge / the final resolve, with the same rules as the clocks) and how many targets are breached.
 *
 * <p>The incidents are read with one streamed query ({@link SlaReportQuery}), not one per incident, and only the
 * response times (one number per incident and target) stay in memory. The range is capped at {@link #MAX_RANGE}, which
 * bounds that memory and the query's work, rather than the incident count.
 */
public final class SlaReport {
    /** Widest range one report covers: a wider one is refused (400 naming from) rather than read unbounded. */
    static final Duration MAX_RANGE = Duration.ofDays(366);
    /** The clocks' rules without goals give the response times even for a severity without a policy. */
    private static final SlaPolicy MEASURE = new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofDays(36_500),
            SlaTarget.RESOLVE, Duration.ofDays(36_500)), 50, null);

    private final SlaReportQuery query;
    private final SlaPolicies policies;
    private final Clock clock;
    private final ObjectMapper json;

    public SlaReport(TimelineStore store, SlaPolicies policies, Clock clock, ObjectMapper json) {
        this.query = new SlaReportQuery(store);
        this.policies = policies;
        this.clock = clock;
        this.json = json;
    }

    private static final class Bucket {
        int incidents;
        final List<Duration> toAck = new ArrayList<>();
        final List<Duration> toResolve = new ArrayList<>();
        final Map<SlaTarget, Integer> breaches = new EnumMap<>(SlaTarget.class);
    }

    public ApiResponse report(ApiRequest req) throws Exception {
        Instant now = clock.instant();
        Instant to = instant(req, "to", now);
        Instant from = instant(req, "from", to.minus(Duration.ofDays(30)));
        if (!from.isBefore(to)) {
            throw ApiProblem.invalidField("from", "from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ApiProblem.invalidField("from", "the range from " + from + " to " + to + " is longer than "
                    + MAX_RANGE.toDays() + " days; narrow it");
        }
        return ApiResponse.json(200, json.writeValueAsBytes(compute(from, to, now)));
    }

    /** The report over the incidents declared in [from, to), their clocks taken at {@code now}. */
    ObjectNode compute(Instant from, Instant to, Instant now) {
        Map<Severity, Bucket> buckets = new EnumMap<>(Severity.class);
        query.forEachIncident(from, to, (severity, timeline) -> {
            Bucket b = buckets.computeIfAbsent(severity, s -> new Bucket());
            b.incidents++;
            for (SlaClock c : SlaCalculator.clocks(MEASURE, timeline, now)) {
                if (c.completedAt() != null) {
                    (c.target() == SlaTarget.ACKNOWLEDGE ? b.toAck : b.toResolve).add(Duration.between(c.startedAt(), c.completedAt()));
                }
            }
            policies.of(severity).ifPresent(policy -> SlaCalculator.clocks(policy, timeline, now).stream()
                    .filter(SlaClock::breached).forEach(c -> b.breaches.merge(c.target(), 1, Integer::sum)));
        });
        ObjectNode body = json.createObjectNode();
        body.put("from", from.toString());
        body.put("to", to.toString());
        ObjectNode bySeverity = body.putObject("severities");
        buckets.forEach((severity, b) -> {
            ObjectNode s = bySeverity.putObject(severity.wireName());
            s.put("incidents", b.incidents);
            s.set("mtta", stats(b.toAck));
            s.set("mttr", stats(b.toResolve));
            ObjectNode breaches = s.putObject("breaches");
            for (SlaTarget t : SlaTarget.values()) {
                breaches.put(t.wireName(), b.breaches.getOrDefault(t, 0));
            }
        });
        return body;
    }

    /** {count, medianSeconds, p90Seconds} by nearest rank, to the millisecond; the times are null without samples. */
    private ObjectNode stats(List<Duration> samples) {
        ObjectNode out = json.createObjectNode();
        List<Duration> sorted = samples.stream().sorted().toList();
        out.put("count", sorted.size());
        out.put("medianSeconds", seconds(percentile(sorted, 50)));
        out.put("p90Seconds", seconds(percentile(sorted, 90)));
        return out;
    }

    /** Nearest rank: the smallest sample with at least p % of the samples at or below it. */
    static <T> T percentile(List<T> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }

    private static Instant instant(ApiRequest req, String name, Instant fallback) {
        Instant given = QueryInstant.read(req, name, "2026-06-01T00:00:00Z");
        return given == null ? fallback : given;
    }
}
