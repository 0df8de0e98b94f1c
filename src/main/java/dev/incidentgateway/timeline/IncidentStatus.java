package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** Lifecycle of an incident: declared → acknowledged → mitigated → resolved → closed. */
public enum IncidentStatus {
    DECLARED, ACKNOWLEDGED, MITIGATED, RESOLVED, CLOSED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<IncidentStatus> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }
}
