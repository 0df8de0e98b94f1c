package dev.incidentgateway.testsupport;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.time.Duration;

/**
 * Awaitility's defaults for every test JVM (Surefire's and Failsafe's), set before any test runs: registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 *
 * <p>The first look at a condition comes at once. Without a poll delay, Awaitility 4 waits one whole poll interval
 * before it looks for the first time, so every {@code await()} cost its interval (100 ms by default, up to 500 ms
 * where a test polls slowly) even when the condition already held; some tests await hundreds of times in a loop
 * (OutboxDeliveryContract: once per incident and target). An await still waits as long as its condition needs and
 * fails after the same {@code atMost}; only the look before anything could have changed comes earlier. (A condition
 * true before the awaited work even began would have been just as true 100 ms later on a loaded machine.)
 */
public final class AwaitilityDefaults implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }
}
