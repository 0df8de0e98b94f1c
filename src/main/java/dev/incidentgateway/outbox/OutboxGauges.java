package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code gateway_outbox_rows{connector,status}} gauges (pending and dead rows). A scrape reads the values
 * kept here and never touches the database: a timer route refreshes them every {@link #PERIOD}, one count per
 * connector and status, each an index range over that connector's pending or dead rows (ix_outbox_due), never
 * over the delivered rows that make up most of the table. A count that failed reads NaN until one succeeds.
 *
 * <p>{@code gateway_outbox_oldest_pending_age_seconds{connector}}: how long the connector's oldest pending row has waited
 * since its event committed (0 when none waits). A count of pending rows cannot tell a busy connector from a stuck one
 * (a target that rate-limits forever, a row held back behind a dead one); the age can, so an alert fires on it. The
 * oldest commit time is read with the counts; the age is taken at scrape time, so it grows between refreshes.
 */
public final class OutboxGauges {
    static final Duration PERIOD = Duration.ofSeconds(15);
    private static final List<String> STATUSES = List.of("pending", "dead");

    private final OutboxStore outbox;
    private final List<String> connectors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    /** Each connector's oldest pending row's commit time; absent when none waits (or not yet read). */
    private final Map<String, Instant> oldestPending = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;

    public OutboxGauges(OutboxStore outbox, List<String> connectors, MeterRegistry meters, Clock clock) {
        this.outbox = outbox;
        this.meters = meters;
        this.clock = clock;
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
        Gauge.builder("gateway.outbox.oldest.pending.age", oldestPending, m -> ageSeconds(m.get(connector)))
                .tag("connector", connector).baseUnit("seconds")
                .description("Seconds the connector's oldest pending outbox row has waited since its event committed; 0 when none")
                .register(meters);
    }

    private double ageSeconds(Instant oldest) {
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
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
            try {
                outbox.oldestPending(connector).ifPresentOrElse(t -> oldestPending.put(connector, t),
                        () -> oldestPending.remove(connector));
            } catch (SQLException e) {
                // keeps the last value read: the store's outage is gateway_store_up's alert, not a stuck delivery
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
