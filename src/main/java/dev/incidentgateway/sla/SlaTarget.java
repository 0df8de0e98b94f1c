package dev.incidentgateway.sla;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The three response targets an SLA policy may set; the wire name is the key in {@code sla.yaml} and {@code data.target}. */
public enum SlaTarget {
    ACKNOWLEDGE, MITIGATE, RESOLVE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SlaTarget> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst();
    }
}
