package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.Severity;

import java.util.Map;
import java.util.Optional;

/** The SLA policy of each severity, as read from {@code sla.yaml}; a severity without one has no clocks. */
public record SlaPolicies(Map<Severity, SlaPolicy> bySeverity) {
    public SlaPolicies {
        bySeverity = Map.copyOf(bySeverity);
    }

    public Optional<SlaPolicy> of(Severity severity) {
        return Optional.ofNullable(bySeverity.get(severity));
    }

    public boolean isEmpty() {
        return bySeverity.isEmpty();
    }
}
