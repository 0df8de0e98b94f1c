package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the outbox table bounded: delivered rows older than the retention are deleted, a small batch per
 * statement (short transactions, no long lock on a busy table), at most {@code maxBatches} per run so one
 * run never monopolises the store. Pending, dead and skipped rows are never purged: they are work or an
 * operator's business. The delivered rows are not needed for ordering (only pending and dead rows hold
 * back an incident) and the ticket each incident got lives in {@code external_refs}, which stays.
 */
public final class OutboxPurge {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxPurge.class);
    private static final String DELETE = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'delivered' "
            + "AND delivered_at < ? ORDER BY delivered_at LIMIT ?)";
    /** How often the purge runs: often enough that each run finds little. */
    static final Duration PERIOD = Duration.ofMinutes(5);

    private final DataSource dataSource;
    private final Duration retention;
    private final int batchSize;
    private final int maxBatches;
    private final Clock clock;
    private final Counter purged;

    public OutboxPurge(DataSource dataSource, Duration retention, int batchSize, int maxBatches, Clock clock, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
        this.clock = clock;
        this.purged = Counter.builder("gateway.outbox.purged").description("Delivered outbox rows purged after the retention")
                .register(meters);
    }

    /** One run: deletes delivered rows older than the retention, batch by batch. Returns how many. */
    public int run() throws SQLException {
        Instant cutoff = clock.instant().minus(retention);
        int total = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            for (int batch = 0; batch < maxBatches; batch++) {
                ps.setObject(1, OutboxStore.utc(cutoff));
                ps.setInt(2, batchSize);
                int deleted = ps.executeUpdate();
                total += deleted;
                if (deleted < batchSize) {
                    break;
                }
            }
        } finally {
            purged.increment(total);
        }
        return total;
    }

    /** The Camel timer route that runs the purge every {@link #PERIOD}. */
    public RouteBuilder route() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:outbox-purge?delay=60000&period=" + PERIOD.toMillis()).routeId("outbox-purge").process(e -> {
                    try {
                        int n = run();
                        if (n > 0) {
                            LOG.info("Purged {} delivered outbox rows older than {} days", n, retention.toDays());
                        }
                    } catch (SQLException ex) { // the next run tries again; nothing depends on the purge
                        LOG.warn("Outbox purge failed: {}", Redact.text(ex.getMessage()));
                    }
                });
            }
        };
    }
}
