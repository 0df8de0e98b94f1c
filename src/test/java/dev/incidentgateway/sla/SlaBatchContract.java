package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.StatementCountingDataSource;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/sla?incident=…} (the SLA clocks of many incidents at once, for the console's list) against {@code GET
 * /api/v1/incidents/{id}/sla}, on H2 and PostgreSQL: at one instant each incident's object in the batch is the single
 * endpoint's answer, to the nanosecond, for clocks running, at risk, breached, stopped by a resolve (met or breached) and
 * resumed by a reopen, under business hours, and without a policy; ids that do not exist are left out, a repeated one is
 * answered once. And the batch is set-based: the statements it runs do not grow with the number of incidents asked for.
 */
abstract class SlaBatchContract extends SlaStoreContract {
    /** A Monday, 09:00 in Berlin: the sev2 clocks count business time from the start. */
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(
            Severity.SEV1, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(10), SlaTarget.MITIGATE, Duration.ofHours(1),
                    SlaTarget.RESOLVE, Duration.ofHours(4)), 80, null),
            Severity.SEV2, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE, Duration.ofHours(2), SlaTarget.RESOLVE, Duration.ofHours(16)), 75,
                    new BusinessHours(ZoneId.of("Europe/Berlin"), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                            LocalTime.of(9, 0), LocalTime.of(17, 0))))); // sev3: no SLA
    /** Ten hours in: past 17:00 in Berlin, so the business-hours clocks have stopped counting for the night. */
    private final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(10)));

    private SlaApi api(TimelineStore store) {
        return new SlaApi(store, new SlaClockReader(store, POLICIES, clock), GatewayJson.create());
    }

    private static NewEvent declare(String id, Severity severity, Instant at) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("db down").severity(severity).eventTime(at).build();
    }

    private static NewEvent event(String id, EventType type, Instant at) {
        return NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").eventTime(at).build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    /** An incident in each state the clocks know, ids starting with {@code p}; returns their ids. */
    private static List<String> mix(String p) {
        List<NewEvent> events = new ArrayList<>();
        events.add(declare(p + "-1", Severity.SEV1, at(595))); // acknowledge running (5 min of 10)
        events.add(declare(p + "-2", Severity.SEV1, at(591))); // acknowledge at risk (9 min of 10)
        events.add(declare(p + "-3", Severity.SEV1, at(0))); // every clock breached, still running
        events.add(declare(p + "-4", Severity.SEV1, at(0)));
        events.add(event(p + "-4", EventType.ACK, at(5)));
        events.add(event(p + "-4", EventType.MITIGATE, at(30)));
        events.add(event(p + "-4", EventType.RESOLVE, at(100))); // every clock met, stopped
        events.add(declare(p + "-5", Severity.SEV1, at(0)));
        events.add(event(p + "-5", EventType.RESOLVE, at(20)));
        events.add(NewEvent.builder(EventType.STATE_CHANGE, "bob").incident(p + "-5").eventTime(at(300))
                .data(GatewayJson.create().createObjectNode().put("to", "acknowledged")).build()); // resolve resumed by a reopen
        events.add(declare(p + "-6", Severity.SEV1, at(0)));
        events.add(event(p + "-6", EventType.ACK, at(30))); // acknowledge breached, then stopped
        events.add(NewEvent.builder(EventType.NOTE, "carol").incident(p + "-6").content("looking").eventTime(at(31)).build());
        events.add(NewEvent.builder(EventType.ROLE_ASSIGN, "carol").incident(p + "-6").eventTime(at(32))
                .data(GatewayJson.create().createObjectNode().put("role", "commander").put("assignee", "carol")).build());
        events.add(declare(p + "-7", Severity.SEV2, at(0))); // business hours: 8 h counted of the 10 h, acknowledge breached
        events.add(declare(p + "-8", Severity.SEV2, at(0)));
        events.add(event(p + "-8", EventType.ACK, at(60))); // business hours, met
        events.add(declare(p + "-9", Severity.SEV3, at(0))); // no policy: no targets
        db.store.appendAll(events);
        return IntStream.rangeClosed(1, 9).mapToObj(n -> p + "-" + n).toList();
    }

    @Test
    void eachIncidentOfTheBatchIsTheSingleEndpointsAnswer() {
        List<String> ids = mix("MIX");
        SlaApi api = api(db.store);
        List<String> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        List<String> asked = new ArrayList<>(reversed);
        asked.add(1, "NOPE-1"); // does not exist: left out
        asked.add(ids.get(0)); // asked twice: answered once
        JsonNode batch = api.incidents(asked).path("incidents");

        assertThat(batch.findValuesAsText("incidentId")).containsExactlyElementsOf(reversed);
        for (JsonNode one : batch) {
            assertThat(one).as(one.path("incidentId").asText()).isEqualTo(api.incident(one.path("incidentId").asText()));
        }
        // The mix covers what it says it does.
        assertThat(batch.findValuesAsText("state")).contains("running", "at_risk", "breached", "met");
        assertThat(batch.get(2).path("targets").get(0).path("state").asText()).as("MIX-7, business hours").isEqualTo("breached");
        assertThat(batch.get(2).path("targets").get(0).path("elapsedSeconds").asLong()).isEqualTo(Duration.ofHours(8).toSeconds());
        assertThat(batch.get(0).path("targets")).as("MIX-9, sev3 without a policy").isEmpty();
    }

    @Test
    void theStatementsOfABatchDoNotGrowWithTheIncidentsAskedFor() {
        List<String> ids = new ArrayList<>(mix("FEW"));
        ids.addAll(mix("MANY1"));
        ids.addAll(mix("MANY2"));
        ids.addAll(mix("MANY3"));
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource);
        try (TimelineStore store = db.newWriter(counting.dataSource())) {
            SlaApi api = api(store);
            int before = counting.statements();
            assertThat(api.incidents(ids.subList(0, 2)).path("incidents")).hasSize(2);
            int forTwo = counting.statements() - before;

            before = counting.statements();
            assertThat(api.incidents(ids).path("incidents")).hasSize(ids.size());
            int forAll = counting.statements() - before;

            assertThat(forAll).as("statements for %d incidents", ids.size()).isEqualTo(forTwo).isLessThanOrEqualTo(2);
        }
    }
}
