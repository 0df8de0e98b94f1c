package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway instance's outbox side, as {@link OutboxRelayPropertyContract} runs it: a relay per connector, each driven
 * on its own thread as its route's consumer drives it ({@link OutboxRelay#run}), and stopped as the gateway's shutdown
 * stops it (OutboxModule.drain, then the consumer): no new claims, a bounded wait for the deliveries under way, then
 * those still running are abandoned (they record nothing; their rows keep their claims until the lease runs out).
 */
final class RelayInstance {
    /** This run of the instance: a restart is a new generation, so the vendor's record says which run made a call. */
    final int generation;
    private final List<OutboxRelay> relays = new ArrayList<>();
    private final List<Thread> drivers = new ArrayList<>();
    private volatile boolean running = true;

    RelayInstance(int generation, List<String> connectors, RecordingVendor vendor, OutboxStore outbox, TimelineStore timeline,
                  OutboxRelay.Settings settings, Duration poll) {
        this.generation = generation;
        for (String connector : connectors) {
            OutboxRelay relay = new OutboxRelay(vendor.sink(connector, generation), outbox, timeline, settings,
                    new SimpleMeterRegistry(), Clock.systemUTC());
            Thread driver = new Thread(() -> {
                try {
                    relay.run(() -> running, poll);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "property-relay-" + generation + "-" + connector);
            driver.setDaemon(true);
            relays.add(relay);
            drivers.add(driver);
            driver.start();
        }
    }

    /** Rows were committed by this instance: its relays look at once (RelayWakeups), the others at their next poll. */
    void wake() {
        relays.forEach(OutboxRelay::wake);
    }

    /** Whether any delivery of this instance runs (also after {@link #stop}: abandoned calls run to their end). */
    boolean busy() {
        return relays.stream().anyMatch(OutboxRelay::busy);
    }

    /** Stops as at shutdown with {@code drain} to finish the deliveries under way; whether some had to be abandoned. */
    boolean stop(Duration drain) throws InterruptedException {
        relays.forEach(OutboxRelay::stopClaiming);
        Instant deadline = Instant.now().plus(drain);
        boolean abandoned = false;
        for (OutboxRelay relay : relays) {
            if (!relay.awaitIdle(deadline)) {
                relay.abandonRunning();
                abandoned = true;
            }
        }
        running = false;
        wake(); // the driving loop sees `running` at once instead of at its next poll
        for (Thread driver : drivers) {
            driver.join();
        }
        relays.forEach(OutboxRelay::close);
        return abandoned;
    }

    /** Waits until the calls an abandoned stop left running have ended (the process they stand for is gone). */
    void awaitCallsEnded() throws InterruptedException {
        for (OutboxRelay relay : relays) {
            relay.awaitIdle();
        }
    }
}
