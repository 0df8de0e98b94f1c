package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** sev1 (most severe) .. sev4. */
public enum Severity {
    SEV1, SEV2, SEV3, SEV4;

    public static final Severity DEFAULT = SEV3;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<Severity> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }
}
