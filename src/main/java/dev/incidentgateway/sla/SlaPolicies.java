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

    /**
     * A short fingerprint of these policies (SHA-256 of a canonical text: severities, targets in order), the same in every
     * JVM for the same file: the SLA tracker stores it with the moments it computed, and looks again when it differs.
     */
    public String fingerprint() {
        StringBuilder text = new StringBuilder();
        for (Severity severity : Severity.values()) {
            SlaPolicy p = bySeverity.get(severity);
            if (p == null) {
                continue;
            }
            text.append(severity.wireName()).append(':').append(p.warningPercent()).append(':').append(hours(p.businessHours()));
            for (SlaTarget target : SlaTarget.values()) {
                if (p.goals().containsKey(target)) {
                    text.append(':').append(target.wireName()).append('=').append(p.goals().get(target));
                }
            }
            text.append('\n');
        }
        return java.util.HexFormat.of().formatHex(dev.incidentgateway.Sha256.of(text.toString()), 0, 16);
    }

    private static String hours(BusinessHours h) {
        return h == null ? "-" : h.zone() + " " + new java.util.TreeSet<>(h.days()) + " " + h.open() + "-" + h.close();
    }
}
