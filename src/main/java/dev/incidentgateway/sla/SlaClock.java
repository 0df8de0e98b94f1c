package dev.incidentgateway.sla;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One target's clock of one incident at a given instant.
 *
 * @param goal         the policy's time for this target
 * @param dueAt        when the clock reaches the goal (for a stopped clock: had it kept running)
 * @param warningAt    when the clock reaches the warning threshold
 * @param elapsed      clock time counted so far (business time with business hours)
 * @param completedAt  when the clock stopped for good (the target's event), {@code null} while it runs
 * @param metAt        {@code completedAt} when it was in time
 * @param breachedAt   {@code dueAt} when the goal was reached before the clock stopped
 * @param warningReached whether the clock passed the warning threshold while running (a warning note is due)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SlaClock(SlaTarget target, State state, @JsonSerialize(using = ToStringSerializer.class) Duration goal, Instant startedAt, Instant dueAt, Instant warningAt,
                       @JsonSerialize(using = ToStringSerializer.class) Duration elapsed, Instant completedAt, Instant metAt, Instant breachedAt,
                       @JsonIgnore boolean warningReached) {

    /** The clock's state; wire names as in the API. */
    public enum State {
        RUNNING, AT_RISK, BREACHED, MET;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Goal minus elapsed: negative once breached. */
    @JsonProperty("remaining")
    @JsonSerialize(using = ToStringSerializer.class)
    public Duration remaining() {
        return goal.minus(elapsed);
    }

    @JsonProperty("elapsedSeconds")
    public long elapsedSeconds() {
        return elapsed.toSeconds();
    }

    @JsonProperty("remainingSeconds")
    public long remainingSeconds() {
        return remaining().toSeconds();
    }

    @JsonIgnore
    public boolean breached() {
        return state == State.BREACHED;
    }
}
