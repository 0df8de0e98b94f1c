package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** Lifecycle of an incident: declared → acknowledged → mitigated → resolved → closed. */
public enum IncidentStatus {
    DECLARED, ACKNOWLEDGED, MITIGATED, RESOLVED, CLOSED;

    @JsonValue
    public String wireName() {
        return Wire.NAMES.of(this);
    }

    public static Optional<IncidentStatus> fromWire(String name) {
        return Wire.NAMES.parse(name);
    }

    /** Initialized on first use, after the constants exist. */
    private static final class Wire {
        static final WireNames<IncidentStatus> NAMES = new WireNames<>(IncidentStatus.class);
    }
}
