package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** The eight kinds of fact a timeline records. The wire name is the lower-case constant name. */
public enum EventType {
    DECLARE, ACK, MITIGATE, RESOLVE, CLOSE, NOTE, ROLE_ASSIGN, STATE_CHANGE;

    @JsonValue
    public String wireName() {
        return Wire.NAMES.of(this);
    }

    public static Optional<EventType> fromWire(String name) {
        return Wire.NAMES.parse(name);
    }

    /** Initialized on first use, after the constants exist. */
    private static final class Wire {
        static final WireNames<EventType> NAMES = new WireNames<>(EventType.class);
    }
}
