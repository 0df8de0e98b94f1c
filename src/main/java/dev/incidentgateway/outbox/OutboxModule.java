package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;

/**
 * Wires the outbox for the active sinks: the writer that adds rows inside each append transaction, one
 * relay per sink with its timer route, and the pending/dead gauges. Built before the timeline store
 * (which takes the writer as a listener), attached to it once the store exists.
 */
public final class OutboxModule implements AutoCloseable {
    private final List<SinkRegistry.ActiveSink> sinks;
    private final OutboxStore outbox;
    private final OutboxWriter writer;
    private List<OutboxRelay> relays = List.of();

    public OutboxModule(List<SinkRegistry.ActiveSink> sinks, DataSource dataSource) {
        this.sinks = List.copyOf(sinks);
        this.outbox = new OutboxStore(dataSource);
        this.writer = new OutboxWriter(sinks.stream().map(SinkRegistry.ActiveSink::descriptor).toList());
    }

    /** The append listener that writes outbox rows in the event's transaction. */
    public OutboxWriter writer() {
        return writer;
    }

    public OutboxStore store() {
        return outbox;
    }

    /** Creates the relays and their timer route. */
    public RouteBuilder relayRoute(dev.incidentgateway.timeline.TimelineStore timeline, OutboxRelay.Settings settings, long pollMillis,
                                   MeterRegistry meters, Clock clock) {
        relays = sinks.stream().map(a -> new OutboxRelay(a.sink(), outbox, timeline, settings, meters, clock)).toList();
        return new OutboxRelayRoute(relays, pollMillis);
    }

    /** The timer route that purges delivered rows older than {@code retention} (500 a statement, 100 statements a run). */
    public RouteBuilder purgeRoute(java.time.Duration retention, MeterRegistry meters, Clock clock) {
        return new OutboxPurge(outbox.dataSource(), retention, 500, 100, clock, meters).route();
    }

    /** The pending/dead gauges and the timer route that refreshes them (a scrape never queries the store). */
    public RouteBuilder gaugeRoute(MeterRegistry meters) {
        return new OutboxGauges(outbox, sinks.stream().map(a -> a.descriptor().name()).toList(), meters).route();
    }

    /**
     * Shutdown: stops every relay claiming rows, then waits until the deliveries under way have recorded their outcome
     * or {@code deadline} passes; those still running then record nothing (their rows are due again after the lease).
     * Returns how many relays still had deliveries running.
     */
    public int drain(java.time.Instant deadline) throws InterruptedException {
        relays.forEach(OutboxRelay::stopClaiming);
        int late = 0;
        for (OutboxRelay relay : relays) {
            if (!relay.awaitIdle(deadline)) {
                relay.abandonRunning();
                late++;
            }
        }
        return late;
    }

    @Override
    public void close() {
        relays.forEach(OutboxRelay::close);
    }
}
