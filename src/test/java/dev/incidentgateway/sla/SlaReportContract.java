package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SLA report against a real store (H2 and PostgreSQL subclasses), over more than the 5,000 incidents the first
 * version could read: MTTA and MTTR (median, p90) and breach counts per severity equal the values this test computes
 * on its own from the times it seeded; incidents declared outside [from, to) do not count.
 */
abstract class SlaReportContract {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final Duration ACK_GOAL = Duration.ofMinutes(10);
    private static final Duration RESOLVE_GOAL = Duration.ofHours(4);
    private static final SlaPolicies POLICIES = new SlaPolicies(Map.of(Severity.SEV1, new SlaPolicy(Map.of(
            SlaTarget.ACKNOWLEDGE, ACK_GOAL, SlaTarget.RESOLVE, RESOLVE_GOAL), 80, null)));
    private static final int INCIDENTS = 5_050;

    abstract TestStore.Kind kind();

    /** What the test expects of one severity, built up as it seeds. */
    private static final class Expected {
        int incidents;
        final List<Long> ackMillis = new ArrayList<>();
        final List<Long> resolveMillis = new ArrayList<>();
        int ackBreaches;
        int resolveBreaches;

        JsonNode check(JsonNode severity) {
            assertThat(severity.path("incidents").asInt()).isEqualTo(incidents);
            checkStats(severity.path("mtta"), ackMillis);
            checkStats(severity.path("mttr"), resolveMillis);
            assertThat(severity.path("breaches").path("acknowledge").asInt()).isEqualTo(ackBreaches);
            assertThat(severity.path("breaches").path("resolve").asInt()).isEqualTo(resolveBreaches);
            assertThat(severity.path("breaches").path("mitigate").asInt()).isZero();
            return severity;
        }

        private static void checkStats(JsonNode stats, List<Long> millis) {
            List<Long> sorted = millis.stream().sorted().toList();
            assertThat(stats.path("count").asInt()).isEqualTo(sorted.size());
            // nearest rank: the smallest sample with at least p % of the samples at or below it
            long median = sorted.get((sorted.size() + 1) / 2 - 1);
            long p90 = sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1);
            assertThat(stats.path("medianSeconds").asDouble()).isEqualTo(median / 1000.0);
            assertThat(stats.path("p90Seconds").asDouble()).isEqualTo(p90 / 1000.0);
        }
    }

    private static NewEvent event(EventType type, String id, Instant at) {
        return NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " by bob").eventTime(at).build();
    }

    @Test
    void mttaMttrAndBreachesMatchTheSeededTimes() {
        try (SlaTestStore db = SlaTestStore.open(kind())) {
            Expected sev1 = new Expected();
            List<NewEvent> batch = new ArrayList<>();
            for (int k = 0; k < INCIDENTS; k++) {
                String id = String.format("REP-%05d", k);
                Instant declared = T0.plusSeconds(10L * k);
                batch.add(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("t").severity(Severity.SEV1).eventTime(declared).build());
                sev1.incidents++;
                if (k % 50 == 49) { // never acknowledged: both clocks still run, long past their goals
                    sev1.ackBreaches++;
                    sev1.resolveBreaches++;
                } else {
                    long ackMs = (k * 7_919L) % 1_200_000; // 0 to 20 minutes, to the millisecond
                    batch.add(event(EventType.ACK, id, declared.plusMillis(ackMs)));
                    sev1.ackMillis.add(ackMs);
                    sev1.ackBreaches += ackMs >= ACK_GOAL.toMillis() ? 1 : 0;
                    if (k % 10 == 3) { // acknowledged, never resolved
                        sev1.resolveBreaches++;
                    } else {
                        long resolveMs = ackMs + (k * 104_729L) % Duration.ofHours(6).toMillis();
                        if (k % 7 == 0) {
                            batch.add(NewEvent.builder(EventType.NOTE, "carol").incident(id).content("looking")
                                    .eventTime(declared.plusMillis(ackMs + 1)).build()); // notes move no clock
                        }
                        batch.add(event(EventType.RESOLVE, id, declared.plusMillis(resolveMs)));
                        sev1.resolveMillis.add(resolveMs);
                        sev1.resolveBreaches += resolveMs >= RESOLVE_GOAL.toMillis() ? 1 : 0;
                    }
                }
                if (batch.size() >= 500) {
                    db.store.appendAll(batch);
                    batch.clear();
                }
            }
            // Resolved after 1 h straight from declared (that stops the acknowledge clock too), reopened at 10 h,
            // resolved again at 12 h: MTTR counts the 12 h, the resolve clock only the 3 h it ran (in time).
            Instant reopened = T0.plus(Duration.ofHours(20));
            batch.add(NewEvent.builder(EventType.DECLARE, "alice").incident("REOPEN-1").title("t").severity(Severity.SEV1).eventTime(reopened).build());
            batch.add(event(EventType.RESOLVE, "REOPEN-1", reopened.plus(Duration.ofHours(1))));
            batch.add(NewEvent.builder(EventType.STATE_CHANGE, "bob").incident("REOPEN-1").eventTime(reopened.plus(Duration.ofHours(10)))
                    .data(GatewayJson.create().createObjectNode().put("to", "acknowledged")).build());
            batch.add(event(EventType.RESOLVE, "REOPEN-1", reopened.plus(Duration.ofHours(12))));
            sev1.incidents++;
            sev1.ackMillis.add(Duration.ofHours(1).toMillis());
            sev1.ackBreaches++;
            sev1.resolveMillis.add(Duration.ofHours(12).toMillis());
            // A severity without a policy: response times, no breaches.
            Expected sev3 = new Expected();
            for (int k = 0; k < 5; k++) {
                String id = "LOW-" + k;
                Instant declared = T0.plus(Duration.ofHours(1)).plusSeconds(k);
                batch.add(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("t").severity(Severity.SEV3).eventTime(declared).build());
                batch.add(event(EventType.ACK, id, declared.plus(Duration.ofHours(k + 1))));
                sev3.incidents++;
                sev3.ackMillis.add(Duration.ofHours(k + 1).toMillis());
            }
            Instant from = T0;
            Instant to = T0.plus(Duration.ofDays(2));
            // Declared just before from and exactly at to: outside the report.
            batch.add(NewEvent.builder(EventType.DECLARE, "alice").incident("OUT-1").title("t").severity(Severity.SEV1).eventTime(from.minusMillis(1)).build());
            batch.add(NewEvent.builder(EventType.DECLARE, "alice").incident("OUT-2").title("t").severity(Severity.SEV1).eventTime(to).build());
            db.store.appendAll(batch);

            Instant now = T0.plus(Duration.ofDays(10));
            SlaReport report = new SlaReport(db.store, POLICIES, Clock.fixed(now, ZoneOffset.UTC), GatewayJson.create());
            JsonNode body = report.compute(from, to, now);
            assertThat(body.path("from").asText()).isEqualTo(from.toString());
            sev1.check(body.path("severities").path("sev1"));
            JsonNode low = body.path("severities").path("sev3");
            assertThat(low.path("incidents").asInt()).isEqualTo(5);
            assertThat(low.path("mtta").path("medianSeconds").asDouble()).isEqualTo(3 * 3600.0);
            assertThat(low.path("mtta").path("p90Seconds").asDouble()).isEqualTo(5 * 3600.0);
            assertThat(low.path("mttr").path("count").asInt()).isZero();
            assertThat(low.path("mttr").path("medianSeconds").isNull()).isTrue();
            assertThat(low.path("breaches").path("acknowledge").asInt()).isZero();
            assertThat(body.path("severities").has("sev2")).isFalse();
        }
    }
}
