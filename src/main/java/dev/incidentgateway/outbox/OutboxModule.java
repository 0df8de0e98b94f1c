package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import javax.sql.DataSource;
import java.sql.SQLException;
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

    /** Creates the relays and their timer route, and registers the gauges. */
    public RouteBuilder relayRoute(dev.incidentgateway.timeline.TimelineStore timeline, OutboxRelay.Settings settings, long pollMillis,
                                   MeterRegistry meters, Clock clock) {
        relays = sinks.stream().map(a -> new OutboxRelay(a.sink(), outbox, timeline, settings, meters, clock)).toList();
        for (SinkRegistry.ActiveSink a : sinks) {
            for (String status : List.of("pending", "dead")) {
                Gauge.builder("gateway.outbox.rows", () -> count(a.descriptor().name(), status))
                        .tag("connector", a.descriptor().name()).tag("status", status)
                        .description("Outbox rows by connector and status").register(meters);
            }
        }
        return new OutboxRelayRoute(relays, pollMillis);
    }

    /** The timer route that purges delivered rows older than {@code retention} (500 a statement, 100 statements a run). */
    public RouteBuilder purgeRoute(java.time.Duration retention, MeterRegistry meters, Clock clock) {
        return new OutboxPurge(outbox.dataSource(), retention, 500, 100, clock, meters).route();
    }

    private double count(String connector, String status) {
        try {
            return outbox.count(connector, status);
        } catch (SQLException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        relays.forEach(OutboxRelay::close);
    }
}
