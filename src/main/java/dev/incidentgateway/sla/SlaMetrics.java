package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.TimelineEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response-time histograms by severity ({@code gateway.sla.time_to_acknowledge|mitigate|resolve}, wall time from the
 * declaration), observed on the append path: measured in the transaction (where the incident's view gives severity and
 * declaration time) and recorded only once it committed. Acknowledge and mitigate count the first time; resolve counts
 * every resolve (a reopened incident's next resolve is measured from the declaration again).
 *
 * <p>Buckets: response times run from seconds to days, so the histograms have fixed boundaries over that range plus
 * every goal of the SLA policies (a {@code le} equal to a goal counts the responses within it exactly). Micrometer's
 * percentile histogram, used before, spans 1 ms to 30 s: every response over 30 s fell into {@code +Inf}.
 */
public final class SlaMetrics implements AppendListener {
    /** 30 s … 7 days: where acknowledgements, mitigations and resolutions of incidents fall. */
    static final List<Duration> BOUNDARIES = List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(12), Duration.ofDays(1),
            Duration.ofDays(2), Duration.ofDays(3), Duration.ofDays(7));
    private final MeterRegistry meters;
    private final Duration[] buckets;
    /** Samples measured in a transaction, by event id, until its commit (one writer thread; a rollback leaves them to be replaced). */
    private final Map<String, Sample> pending = new ConcurrentHashMap<>();

    private record Sample(String name, String severity, Duration time) {
    }

    /** @param goals the SLA policies' goals, added to {@link #BOUNDARIES} */
    public SlaMetrics(MeterRegistry meters, Collection<Duration> goals) {
        this.meters = meters;
        TreeSet<Duration> all = new TreeSet<>(BOUNDARIES);
        all.addAll(goals);
        this.buckets = all.toArray(Duration[]::new);
    }

    @Override
    public void inTransaction(Connection connection, List<TimelineEvent> events, Map<String, Incident> views,
                              Map<String, IncidentStatus> statusAfter) {
        pending.clear();
        for (TimelineEvent e : events) {
            Incident v = views.get(e.incidentId());
            if (v == null || v.declaredAt() == null) {
                continue;
            }
            String name = e.type() == EventType.ACK ? "gateway.sla.time_to_acknowledge"
                    : e.type() == EventType.MITIGATE && e.eventTime().equals(v.mitigatedAt()) ? "gateway.sla.time_to_mitigate"
                    : e.type() == EventType.RESOLVE ? "gateway.sla.time_to_resolve" : null;
            if (name != null) {
                Duration time = Duration.between(v.declaredAt(), e.eventTime());
                pending.put(e.id(), new Sample(name, v.severity().wireName(), time.isNegative() ? Duration.ZERO : time));
            }
        }
    }

    @Override
    public void afterCommit(List<TimelineEvent> events) {
        for (TimelineEvent e : events) {
            Sample s = pending.remove(e.id());
            if (s != null) {
                Timer.builder(s.name()).description("Time from an incident's declaration to this response").tag("severity", s.severity())
                        .serviceLevelObjectives(buckets).register(meters).record(s.time());
            }
        }
    }
}
