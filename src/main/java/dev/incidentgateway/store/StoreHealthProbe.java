package dev.incidentgateway.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checks the store in the background and keeps the result, so that {@code /health} answers at once from memory,
 * never waiting on the database (or on a pool that a hung database has exhausted).
 *
 * <p>One daemon thread asks for a connection and {@code isValid(1 s)} every {@code interval}. The store counts as
 * up only while the last probe succeeded and that success is recent ({@code staleAfter}): a probe that hangs (pool
 * waiting its 5 s connection timeout, a socket that never answers) therefore turns the status DOWN after
 * {@code staleAfter} instead of leaving the last UP standing. Recovery needs nothing: the next probe that
 * succeeds turns it UP again.
 */
public final class StoreHealthProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealthProbe.class);

    private final DataSource dataSource;
    private final long staleAfterNanos;
    private final ScheduledExecutorService scheduler;
    private volatile boolean lastOk = true; // the store was reachable a moment ago: it was just migrated
    private volatile long lastSuccessNanos = System.nanoTime();
    private volatile long lastSuccessStartNanos = System.nanoTime();
    /** Why the last probe failed, in the operator's terms ({@link StoreFailureReason}); null after a success. */
    private volatile String failure;
    private final StoreOutage outage = new StoreOutage();

    public StoreHealthProbe(DataSource dataSource, Duration interval, Duration staleAfter) {
        this.dataSource = dataSource;
        this.staleAfterNanos = staleAfter.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-health-probe");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every 500 ms; DOWN once no probe has succeeded for 2.5 s (within the 1 s a /health answer may take, plus a probe). */
    public static StoreHealthProbe standard(DataSource dataSource) {
        return new StoreHealthProbe(dataSource, Duration.ofMillis(500), Duration.ofMillis(2500));
    }

    /** The cached status: never touches the database. */
    public boolean isUp() {
        return lastOk && System.nanoTime() - lastSuccessNanos < staleAfterNanos;
    }

    /**
     * True when the last finished probe failed (a refused or timed-out connection, an invalid one): firmer than
     * {@link #isUp()}, which also turns false when probes merely stop finishing (a busy machine can delay them).
     */
    public boolean lastProbeFailed() {
        return !lastOk;
    }

    /** {@link System#nanoTime()} at which the last successful probe started (see AppendCircuitBreaker). */
    public long lastSuccessStart() {
        return lastSuccessStartNanos;
    }

    private void probe() {
        long started = System.nanoTime();
        boolean ok;
        String why = null;
        try (Connection c = dataSource.getConnection()) {
            ok = c.isValid(1);
            if (!ok) {
                why = "timeout: the database did not confirm a connection within 1 s";
            }
        } catch (SQLException | RuntimeException e) {
            ok = false;
            why = StoreFailureReason.of(e);
            LOG.debug("Store health probe failed: {}", e.getMessage());
        }
        if (ok) {
            lastSuccessStartNanos = started;
            lastSuccessNanos = System.nanoTime();
        }
        failure = why;
        // Once per transition, with the reason (a password changed under a running gateway read like a paused server),
        // and a reminder a minute while it lasts: StoreOutage.
        if (ok) {
            outage.probeSucceeded();
        } else {
            outage.probeFailed(why);
        }
        lastOk = ok;
    }

    /** The outage this probe sees, for those who fail because of it (they log at DEBUG while it is known). */
    public StoreOutage outage() {
        return outage;
    }

    /** Why the store does not answer, while the last probe failed (no secrets: see {@link StoreFailureReason}). */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
