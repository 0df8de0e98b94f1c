package dev.incidentgateway.testsupport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** {@link AwaitilityDefaults} is in force in this JVM: the first look at a condition comes before one poll interval. */
class AwaitilityDefaultsTest {
    @Test
    void theFirstLookAtAConditionComesAtOnce() {
        // Without the default the poll delay would be the 1 h interval, past atMost: Awaitility would refuse the await or
        // time out before its first look. A condition that holds from the start passes only when the delay is zero.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofHours(1)).until(() -> true);
    }
}
