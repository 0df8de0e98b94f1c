package dev.incidentgateway.lifecycle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIGTERM whose graceful stop cannot be requested (an Error in the step, as after an OutOfMemoryError) halts with
 * 143 rather than leaving the gateway running until SIGKILL; a stop that can be requested is, once, and a second
 * signal halts. Signals are handed to the handler directly (nothing is installed; halting is the test's seam).
 */
class ShutdownSignalsTest {
    private final List<Integer> halted = new CopyOnWriteArrayList<>();
    private final ShutdownSignals signals = new ShutdownSignals(halted::add);

    @AfterEach
    void forget() {
        ShutdownSignals.forgetStopRequest();
    }

    @Test
    void aStopRequestThatThrowsAnErrorHaltsInsteadOfLeavingTheGatewayRunning() {
        signals.whenStopRequested(() -> {
            // What a class first used after an OutOfMemoryError throws (its initialization failed); not an OutOfMemoryError
            // itself, which would end the test JVM's run on the old code rather than fail the test.
            throw new NoClassDefFoundError("injected: Could not initialize class ch.qos.logback.classic.Logger");
        }, Duration.ofSeconds(1));
        signals.onSignal(new Signal("TERM"));
        assertThat(halted).as("exit statuses of halts").containsExactly(143);
    }

    @Test
    void aStopThatCanBeRequestedIsRequestedOnceAndASecondSignalHalts() {
        AtomicInteger stops = new AtomicInteger();
        signals.whenStopRequested(stops::incrementAndGet, Duration.ofSeconds(1));
        signals.onSignal(new Signal("TERM"));
        assertThat(stops).hasValue(1);
        assertThat(halted).isEmpty();
        signals.onSignal(new Signal("INT"));
        assertThat(stops).hasValue(1);
        assertThat(halted).containsExactly(130);
    }
}
