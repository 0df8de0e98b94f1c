package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure SLA clock arithmetic, with fixed instants: states, reopen, business hours across weekends and DST. */
class SlaCalculatorTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z"); // a Monday
    private static final SlaPolicy WALL = new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10),
            SlaTarget.MITIGATE, Duration.ofHours(1), SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null);

    private final List<TimelineEvent> events = new ArrayList<>();

    private SlaCalculatorTest at(Instant time, EventType type, String stateChangeTo) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (stateChangeTo != null) {
            data.put("to", stateChangeTo);
        }
        events.add(new TimelineEvent("E" + events.size(), "INC-1", events.size() + 1, type, "a", null, null, time, time, "/t",
                "c" + events.size(), "/t", "t", data, "0", "0", "key:a"));
        return this;
    }

    private SlaCalculatorTest at(Instant time, EventType type) {
        return at(time, type, null);
    }

    private SlaClock clock(SlaPolicy policy, SlaTarget target, Instant now) {
        return SlaCalculator.clocks(policy, events, now).stream().filter(c -> c.target() == target).findFirst().orElseThrow();
    }

    @Test
    void aRunningClockTurnsAtRiskAtTheThresholdAndBreachedAtTheGoal() {
        at(T0, EventType.DECLARE);
        assertThat(clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(7 * 60)).state()).isEqualTo(SlaClock.State.RUNNING);
        SlaClock atRisk = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(8 * 60));
        assertThat(atRisk.state()).isEqualTo(SlaClock.State.AT_RISK);
        assertThat(atRisk.warningReached()).isTrue();
        assertThat(atRisk.remaining()).isEqualTo(Duration.ofMinutes(2));
        SlaClock breached = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(11 * 60));
        assertThat(breached.state()).isEqualTo(SlaClock.State.BREACHED);
        assertThat(breached.breachedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(breached.dueAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(breached.remainingSeconds()).isEqualTo(-60);
    }

    @Test
    void anAckInTimeMeetsTheTargetAndStopsTheClock() {
        at(T0, EventType.DECLARE).at(T0.plusSeconds(300), EventType.ACK);
        SlaClock c = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(3600));
        assertThat(c.state()).isEqualTo(SlaClock.State.MET);
        assertThat(c.metAt()).isEqualTo(T0.plusSeconds(300));
        assertThat(c.elapsed()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.warningReached()).isFalse();
        // the mitigate clock keeps running while acknowledged
        assertThat(clock(WALL, SlaTarget.MITIGATE, T0.plusSeconds(3600)).state()).isEqualTo(SlaClock.State.BREACHED);
    }

    @Test
    void aLateAckIsBreachedNotMet() {
        at(T0, EventType.DECLARE).at(T0.plusSeconds(900), EventType.ACK);
        SlaClock c = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(3600));
        assertThat(c.state()).isEqualTo(SlaClock.State.BREACHED);
        assertThat(c.completedAt()).isEqualTo(T0.plusSeconds(900));
        assertThat(c.metAt()).isNull();
    }

    @Test
    void resolvingStraightAwayMeetsAcknowledgeAndMitigateToo() {
        at(T0, EventType.DECLARE).at(T0.plusSeconds(120), EventType.RESOLVE);
        for (SlaTarget t : SlaTarget.values()) {
            assertThat(clock(WALL, t, T0.plusSeconds(86_400)).state()).as(t.wireName()).isEqualTo(SlaClock.State.MET);
        }
    }

    @Test
    void aReopenResumesTheResolveClockWhereItStopped() {
        at(T0, EventType.DECLARE).at(T0.plusSeconds(3600), EventType.RESOLVE)
                .at(T0.plusSeconds(5 * 3600), EventType.STATE_CHANGE, "acknowledged");
        Instant now = T0.plusSeconds(6 * 3600);
        SlaClock resolve = clock(WALL, SlaTarget.RESOLVE, now);
        assertThat(resolve.state()).isEqualTo(SlaClock.State.RUNNING);
        assertThat(resolve.elapsed()).isEqualTo(Duration.ofHours(2)); // 1 h before resolve + 1 h since the reopen
        assertThat(resolve.dueAt()).isEqualTo(T0.plusSeconds(8 * 3600)); // 3 h left from the reopen at +5 h
        // acknowledge stopped at the first resolve and does not run again after the reopen
        assertThat(clock(WALL, SlaTarget.ACKNOWLEDGE, now).completedAt()).isEqualTo(T0.plusSeconds(3600));
        at(T0.plusSeconds(7 * 3600), EventType.RESOLVE);
        assertThat(clock(WALL, SlaTarget.RESOLVE, now.plusSeconds(86_400)).metAt()).isEqualTo(T0.plusSeconds(7 * 3600));
    }

    @Test
    void notesDoNotChangeClocks() {
        at(T0, EventType.DECLARE).at(T0.plusSeconds(60), EventType.NOTE);
        assertThat(clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(120)).elapsed()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void businessHoursSkipTheNightAndTheWeekend() {
        BusinessHours office = new BusinessHours(ZoneId.of("Europe/Berlin"), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                LocalTime.of(9, 0), LocalTime.of(17, 0));
        SlaPolicy policy = new SlaPolicy(Map.of(SlaTarget.RESOLVE, Duration.ofHours(4)), 50, office);
        Instant friday16 = Instant.parse("2026-03-06T15:00:00Z"); // 16:00 in Berlin (CET)
        at(friday16, EventType.DECLARE);
        SlaClock c = clock(policy, SlaTarget.RESOLVE, Instant.parse("2026-03-08T12:00:00Z")); // Sunday
        assertThat(c.elapsed()).isEqualTo(Duration.ofHours(1));
        assertThat(c.state()).isEqualTo(SlaClock.State.RUNNING);
        assertThat(c.warningAt()).isEqualTo(Instant.parse("2026-03-09T09:00:00Z")); // Monday 10:00 CET
        assertThat(c.dueAt()).isEqualTo(Instant.parse("2026-03-09T11:00:00Z")); // Monday 12:00 CET
    }

    @Test
    void businessHoursFollowTheWallClockAcrossDaylightSavingTime() {
        // Berlin springs forward on Sunday 2026-03-29 (02:00 → 03:00): that day has 23 hours.
        BusinessHours allDay = new BusinessHours(ZoneId.of("Europe/Berlin"), EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, null);
        Instant sat = Instant.parse("2026-03-27T23:00:00Z"); // Saturday 00:00 CET
        Instant mon = Instant.parse("2026-03-29T22:00:00Z"); // Monday 00:00 CEST
        assertThat(allDay.between(sat, mon)).isEqualTo(Duration.ofHours(47));
        // 09:00-17:00 keeps 8 hours that Sunday and the next one, at the local wall-clock times
        BusinessHours office = new BusinessHours(ZoneId.of("Europe/Berlin"), EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(9, 0),
                LocalTime.of(17, 0));
        assertThat(office.plus(sat, Duration.ofHours(1))).isEqualTo(Instant.parse("2026-03-29T08:00:00Z")); // 10:00 CEST
        assertThat(office.plus(sat, Duration.ofHours(9))).isEqualTo(Instant.parse("2026-04-05T08:00:00Z"));
        // a window that holds the gap is one hour short that day
        BusinessHours night = new BusinessHours(ZoneId.of("Europe/Berlin"), EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0),
                LocalTime.of(4, 0));
        assertThat(night.between(sat, mon)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aWindowEdgeTheClocksSkipIsReachedWhenTheyJump() {
        // New York skips 02:00-03:00 on Sunday 2026-03-08: a window opening at 02:30 opens at 03:00 EDT (07:00Z)
        ZoneId newYork = ZoneId.of("America/New_York");
        BusinessHours early = new BusinessHours(newYork, EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(2, 30), LocalTime.of(10, 0));
        Instant sundayMidnight = Instant.parse("2026-03-08T05:00:00Z"); // 00:00 EST
        assertThat(early.plus(sundayMidnight, Duration.ofMinutes(1))).isEqualTo(Instant.parse("2026-03-08T07:01:00Z"));
        assertThat(early.between(sundayMidnight, Instant.parse("2026-03-08T16:00:00Z"))).isEqualTo(Duration.ofHours(7));
        // Chatham skips 02:45-03:45 on Sunday 2026-09-27: a window 03:00-03:30 has no time that day
        BusinessHours inGap = new BusinessHours(ZoneId.of("Pacific/Chatham"), EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(3, 0),
                LocalTime.of(3, 30));
        assertThat(inGap.between(Instant.parse("2026-09-26T10:00:00Z"), Instant.parse("2026-09-27T10:00:00Z"))).isZero();
        // and a window closing inside New York's gap closes when the clocks jump
        BusinessHours late = new BusinessHours(newYork, EnumSet.of(DayOfWeek.SATURDAY), LocalTime.of(22, 0), LocalTime.of(2, 30));
        assertThat(late.between(Instant.parse("2026-03-07T12:00:00Z"), Instant.parse("2026-03-08T12:00:00Z")))
                .isEqualTo(Duration.ofHours(4)); // Saturday 22:00 EST to Sunday 03:00 EDT
        // the repeated hour of 2026-11-01 is counted once per pass of the wall clock: 01:30 opens at its first pass (EDT)
        BusinessHours fallBack = new BusinessHours(newYork, EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(1, 30), LocalTime.of(3, 0));
        assertThat(fallBack.between(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-01T12:00:00Z")))
                .isEqualTo(Duration.ofMinutes(150)); // 01:30 EDT to 03:00 EST
    }

    @Test
    void aTargetLeftOutOfThePolicyHasNoClock() {
        at(T0, EventType.DECLARE);
        SlaPolicy onlyResolve = new SlaPolicy(Map.of(SlaTarget.RESOLVE, Duration.ofHours(1)), 80, null);
        assertThat(SlaCalculator.clocks(onlyResolve, events, T0)).extracting(SlaClock::target).containsExactly(SlaTarget.RESOLVE);
    }

    @Test
    void aBreachBySubSecondIsABreachNotMet() {
        Duration goal = Duration.ofMinutes(10);
        at(T0, EventType.DECLARE).at(T0.plus(goal).plusMillis(1), EventType.ACK);
        SlaClock late = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(3600));
        assertThat(late.state()).isEqualTo(SlaClock.State.BREACHED);
        assertThat(late.elapsed()).isEqualTo(goal.plusMillis(1));
        assertThat(late.remaining()).isEqualTo(Duration.ofMillis(-1));
        assertThat(late.remainingSeconds()).isNegative(); // whole seconds round towards the past: -1, never 0
        assertThat(late.breachedAt()).isEqualTo(T0.plus(goal));
        assertThat(late.metAt()).isNull();

        events.clear();
        at(T0, EventType.DECLARE).at(T0.plus(goal).minusNanos(1_000), EventType.ACK); // a microsecond early (store precision)
        SlaClock justInTime = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plusSeconds(3600));
        assertThat(justInTime.state()).isEqualTo(SlaClock.State.MET);
        assertThat(justInTime.remaining()).isEqualTo(Duration.ofNanos(1_000));

        events.clear();
        at(T0, EventType.DECLARE); // still running, 0.4 s past due
        SlaClock running = clock(WALL, SlaTarget.ACKNOWLEDGE, T0.plus(goal).plusMillis(400));
        assertThat(running.state()).isEqualTo(SlaClock.State.BREACHED);
        assertThat(running.remainingSeconds()).isEqualTo(-1);
        // and the warning threshold keeps sub-millisecond goals exact: 80 % of 1.000005 s
        SlaPolicy tiny = new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofNanos(1_000_005_000L)), 80, null);
        assertThat(tiny.warningAt(tiny.goals().get(SlaTarget.ACKNOWLEDGE))).isEqualTo(Duration.ofNanos(800_004_000L));
    }

    @Test
    void anOvernightWindowRunsIntoTheNextMorningFromTheDaysItOpens() {
        BusinessHours nights = new BusinessHours(ZoneId.of("UTC"), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                LocalTime.of(22, 0), LocalTime.of(6, 0));
        Instant monday = Instant.parse("2026-03-02T00:00:00Z");
        // Monday 00:00-06:00 belongs to Sunday's night, which is not listed: nothing until Monday 22:00
        assertThat(nights.between(monday, Instant.parse("2026-03-02T21:00:00Z"))).isZero();
        // Monday 22:00 to Tuesday 06:00 counts 8 hours, Tuesday's night starts at 22:00 again
        assertThat(nights.between(monday, Instant.parse("2026-03-03T12:00:00Z"))).isEqualTo(Duration.ofHours(8));
        // a declare at Tuesday 03:00 is inside Monday's night: 3 hours left of it
        Instant tuesday3 = Instant.parse("2026-03-03T03:00:00Z");
        assertThat(nights.plus(tuesday3, Duration.ofHours(3))).isEqualTo(Instant.parse("2026-03-03T06:00:00Z"));
        assertThat(nights.plus(tuesday3, Duration.ofHours(4))).isEqualTo(Instant.parse("2026-03-03T23:00:00Z"));
        // Friday's night runs into Saturday 06:00; Saturday and Sunday nights do not open
        Instant friday23 = Instant.parse("2026-03-06T23:00:00Z");
        assertThat(nights.plus(friday23, Duration.ofHours(8))).isEqualTo(Instant.parse("2026-03-09T23:00:00Z"));
        assertThat(nights.between(friday23, Instant.parse("2026-03-09T22:00:00Z"))).isEqualTo(Duration.ofHours(7));

        SlaPolicy policy = new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofHours(2)), 50, nights);
        at(tuesday3, EventType.DECLARE);
        SlaClock c = clock(policy, SlaTarget.ACKNOWLEDGE, Instant.parse("2026-03-03T12:00:00Z"));
        assertThat(c.elapsed()).isEqualTo(Duration.ofHours(3));
        assertThat(c.state()).isEqualTo(SlaClock.State.BREACHED);
        assertThat(c.dueAt()).isEqualTo(Instant.parse("2026-03-03T05:00:00Z"));
    }
}
