package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** sev1 (most severe) .. sev4. */
public enum Severity {
    SEV1, SEV2, SEV3, SEV4;

    public static final Severity DEFAULT = SEV3;

    @JsonValue
    public String wireName() {
        return Wire.NAMES.of(this);
    }

    public static Optional<Severity> fromWire(String name) {
        return Wire.NAMES.parse(name);
    }

    /** Initialized on first use, after the constants exist. */
    private static final class Wire {
        static final WireNames<Severity> NAMES = new WireNames<>(Severity.class);
    }
}
