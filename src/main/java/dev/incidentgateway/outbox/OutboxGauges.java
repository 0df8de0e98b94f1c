package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code gateway_outbox_rows{connector,status}} gauges (pending and dead rows). A scrape reads the values
 * kept here and never touches the database: a timer route refreshes them every {@link #PERIOD}, one count per
 * connector and status, each an index range over that connector's pending or dead rows (ix_outbox_due), never
 * over the delivered rows that make up most of the table. A count that failed reads NaN until one succeeds.
 */
public final class OutboxGauges {
    static final Duration PERIOD = Duration.ofSeconds(15);
    private static final List<String> STATUSES = List.of("pending", "dead");

    private final OutboxStore outbox;
    private final List<String> connectors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public OutboxGauges(OutboxStore outbox, List<String> connectors, MeterRegistry meters) {
        this.outbox = outbox;
        this.meters = meters;
        connectors.forEach(this::track);
    }

    /** Adds a connector's gauges (a route's connector that has no descriptor); once per connector. */
    public synchronized void track(String connector) {
        if (connectors.contains(connector)) {
            return;
        }
        connectors.add(connector);
        for (String status : STATUSES) {
            values.put(key(connector, status), Double.NaN);
            Gauge.builder("gateway.outbox.rows", values, v -> v.getOrDefault(key(connector, status), Double.NaN))
                    .tag("connector", connector).tag("status", status)
                    .description("Outbox rows by connector and status (refreshed every " + PERIOD.toSeconds() + " s)")
                    .register(meters);
        }
    }

    /**
     * {@link #track} with the counts just read: a connector found at start that no route reads shows its rows from the
     * first scrape on, not NaN until the next refresh ({@link #PERIOD} later, since the first one ran before it was tracked).
     */
    public synchronized void track(String connector, long pending, long dead) {
        track(connector);
        values.put(key(connector, "pending"), (double) pending);
        values.put(key(connector, "dead"), (double) dead);
    }

    private static String key(String connector, String status) {
        return connector + '\n' + status;
    }

    /** Counts again; called by the timer route (and tests). */
    public void refresh() {
        for (String connector : connectors) {
            for (String status : STATUSES) {
                double value;
                try {
                    value = outbox.count(connector, status);
                } catch (SQLException e) {
                    value = Double.NaN;
                }
                values.put(key(connector, status), value);
            }
        }
    }

    public RouteBuilder route() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:outbox-gauges?delay=0&period=" + PERIOD.toMillis()).routeId("outbox-gauges").process(e -> refresh());
            }
        };
    }
}
