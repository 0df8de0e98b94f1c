package dev.incidentgateway.ingest;

import dev.incidentgateway.security.RefusalLog;
import dev.incidentgateway.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source whose payloads its mapping turns into no event (a ping, a type it does not map) is answered 200 and counted as
 * accepted, appending nothing: only the skipped items' counter shows it, from 0 at the start so that an alert's
 * {@code increase()} sees the first.
 */
class WebhookSourceActivityTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T20:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WebhookSourceActivity activity = new WebhookSourceActivity(List.of("datadog"), meters, clock, new RefusalLog(clock));

    private double skipped(String source) {
        return meters.get("gateway.webhook.items.skipped").tag("source", source).counter().count();
    }

    @Test
    void itemsTheMappingSkipsAreCountedPerDeclaredSourceFromZero() {
        assertThat(skipped("datadog")).isZero();
        activity.accepted("datadog", 2);
        activity.accepted("datadog", 0);
        assertThat(skipped("datadog")).isEqualTo(2);
        assertThat(meters.get("gateway.webhook.requests").tag("source", "datadog").tag("outcome", "accepted").counter().count())
                .isEqualTo(2);
    }

    @Test
    void anUndeclaredNameAddsNoSeries() {
        activity.accepted("made-up", 5);
        assertThat(meters.find("gateway.webhook.items.skipped").tag("source", "made-up").counter()).isNull();
    }
}
