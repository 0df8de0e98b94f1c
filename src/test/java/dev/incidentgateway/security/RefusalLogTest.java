package dev.incidentgateway.security;

import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused caller is in the log at once, and a flood of them costs a line a minute per kind, with how many came meanwhile. */
class RefusalLogTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));

    @Test
    void theFirstRefusalOfAKindIsLoggedAndTheRestOnceAMinuteWithTheirCount() {
        RefusalLog log = new RefusalLog(clock);
        try (CapturedLogs logs = CapturedLogs.of(RefusalLog.class.getName())) {
            log.refused("a request to webhook source grafana", 401, "Invalid credential");
            for (int i = 0; i < 50; i++) {
                log.refused("a request to webhook source grafana", 401, "Invalid credential");
            }
            log.refused("a request to webhook source grafana", 400, "Malformed JSON"); // another kind: its own line
            log.refused("key:reader", 403, "a request that needs scope write");
            clock.advance(RefusalLog.EVERY);
            log.refused("a request to webhook source grafana", 401, "Invalid credential");

            List<String> lines = logs.lines(e -> true);
            assertThat(lines).containsExactly(
                    "WARN Refused a request to webhook source grafana: 401 Invalid credential",
                    "WARN Refused a request to webhook source grafana: 400 Malformed JSON",
                    "WARN Refused key:reader: 403 a request that needs scope write",
                    "WARN Refused a request to webhook source grafana: 401 Invalid credential (50 more like it since the last such line)");
        }
    }

    @Test
    void withinTheMinuteNothingMoreIsLogged() {
        RefusalLog log = new RefusalLog(clock);
        try (CapturedLogs logs = CapturedLogs.of(RefusalLog.class.getName())) {
            log.refused("an API credential", 401, "unknown or revoked API key");
            clock.advance(RefusalLog.EVERY.minus(Duration.ofSeconds(1)));
            log.refused("an API credential", 401, "unknown or revoked API key");
            assertThat(logs.lines(e -> true)).hasSize(1);
        }
    }

    /**
     * One log per process: a webhook source's refusals share the windows of the log the gateway gave it (and the API's);
     * each line says what the on-call can do about it.
     */
    @Test
    void aWebhookSourcesRefusalsGoThroughTheLogItWasGiven() {
        RefusalLog log = new RefusalLog(clock);
        dev.incidentgateway.ingest.WebhookSourceActivity activity = new dev.incidentgateway.ingest.WebhookSourceActivity(
                List.of("grafana"), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), clock, log);
        try (CapturedLogs logs = CapturedLogs.of(RefusalLog.class.getName())) {
            activity.refused("grafana", 401, "Invalid credential");
            log.refused("a request to webhook source grafana", 401, "Invalid credential"); // same kind, same window
            clock.advance(RefusalLog.EVERY);
            activity.refused("grafana", 401, "Invalid credential");
            activity.refused("grafana", 422, "Unknown event type");
            String check = " (check the sender's token or signing secret against the source's; GET /api/v1/sources shows its "
                    + "auth mode)";
            assertThat(logs.lines(e -> true)).containsExactly(
                    "WARN Refused a request to webhook source grafana: 401 Invalid credential" + check,
                    "WARN Refused a request to webhook source grafana: 401 Invalid credential" + check
                            + " (1 more like it since the last such line)",
                    "WARN Refused a request to webhook source grafana: 422 Unknown event type (the sender's request does not "
                            + "fit the source: GET /api/v1/sources shows its last refusal)");
        }
    }
}
