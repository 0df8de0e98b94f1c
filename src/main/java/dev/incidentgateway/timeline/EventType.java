package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** The eight kinds of fact a timeline records. The wire name is the lower-case constant name. */
public enum EventType {
    DECLARE, ACK, MITIGATE, RESOLVE, CLOSE, NOTE, ROLE_ASSIGN, STATE_CHANGE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst();
    }
}
