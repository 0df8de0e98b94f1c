package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The declare cursor's bound: the least clock time at which any policy's note can fall due, which in wall time from the
 * declaration is never later than the note itself, with or without business hours.
 */
class SlaDeclareCursorTest {
    private static final BusinessHours NIGHTS = new BusinessHours(ZoneId.of("Europe/Berlin"),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0));
    private static final BusinessHours OFFICE = new BusinessHours(ZoneId.of("America/New_York"),
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY), LocalTime.of(9, 0), LocalTime.of(17, 30));
    private static final BusinessHours TO_MIDNIGHT = new BusinessHours(ZoneId.of("Europe/Berlin"),
            EnumSet.allOf(DayOfWeek.class), LocalTime.of(20, 0), null);

    @Test
    void theFirstNoteIsTheLeastWarningOrGoalOfAnyPolicy() {
        SlaPolicies policies = new SlaPolicies(Map.of(
                Severity.SEV1, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(15), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null),
                Severity.SEV2, new SlaPolicy(Map.of(SlaTarget.MITIGATE, Duration.ofMinutes(20)), 50, OFFICE),
                Severity.SEV4, new SlaPolicy(Map.of(SlaTarget.RESOLVE, Duration.ofDays(1)), 99, null)));
        assertThat(SlaDeclareCursor.firstNote(policies)).contains(Duration.ofMinutes(10)); // sev2's warning, business time
        assertThat(SlaDeclareCursor.firstNote(new SlaPolicies(Map.of()))).isEqualTo(Optional.empty());
    }

    /** Business hours only move a moment later in wall time: the plain offset is a safe lower bound (across DST changes too). */
    @Test
    void businessHoursNeverBringANoteBeforeTheDeclarationPlusItsClockTime() {
        Instant from = Instant.parse("2026-03-27T18:17:00Z"); // the weekend Europe springs forward, then America's autumn
        for (BusinessHours hours : List.of(NIGHTS, OFFICE, TO_MIDNIGHT)) {
            SlaPolicy policy = new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofHours(1)), 80, hours);
            for (Instant t = from; t.isBefore(from.plus(Duration.ofDays(230))); t = t.plus(Duration.ofMinutes(97))) {
                for (Duration amount : List.of(Duration.ofSeconds(1), Duration.ofMinutes(12), Duration.ofHours(5), Duration.ofHours(30))) {
                    assertThat(policy.plus(t, amount)).as(hours + " from " + t + " + " + amount).isAfterOrEqualTo(t.plus(amount));
                    assertThat(policy.between(t, t.plus(amount))).isLessThanOrEqualTo(amount);
                }
            }
        }
    }
}
