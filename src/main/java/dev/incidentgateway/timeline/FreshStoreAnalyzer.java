package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL: {@code ANALYZE}s the tables the writer and the SLA tracker look up while a new store grows, at
 * {@value #FIRST} events and each fourfold after that up to {@value #LAST}.
 * <p>
 * Why (issue 13, bench/README.md "Webhook ingest"): PgJDBC prepares a statement on the server after a few uses, and
 * PostgreSQL then keeps a generic plan for it. Made while the tables are (nearly) empty, that plan is a sequential
 * scan, and it stays cached on each pooled connection while the table grows, until the first {@code ANALYZE} of that
 * table invalidates it; autovacuum runs that only after up to a minute. In a new installation's first minute the
 * writer's per-group lookups (correlation keys, incident views, the dedup join) were sequential scans of 5–12 ms each
 * and ingest ran at 50–600 alerts/s instead of thousands. Plans made after an {@code ANALYZE} at a few thousand rows
 * are index scans, and they stay right as the tables grow (the planner scales the statistics by the table's current
 * size). Each later step replans whatever was still planned as a scan at the previous one (the writer's dedup join, a
 * {@code VALUES} list, was at 2k events; it is index probes whatever the statistics since session 40:
 * {@link IdempotencyLookup#SQL_PG}). Autovacuum takes over well before the last step.
 * <p>
 * A store that held {@value #LAST} events or more when the gateway started is left to autovacuum: an {@code ANALYZE}
 * of large tables reads thousands of pages, and their plans were made on real statistics. The {@code ANALYZE} runs on
 * a thread of its own, never on the writer. Without owner rights PostgreSQL skips a table with a warning.
 */
public final class FreshStoreAnalyzer implements AppendListener {
    static final long FIRST = 2_000;
    static final long LAST = 128_000;
    /** The tables of the per-group and per-scan lookups (their generic plans are the ones that matter). */
    static final String ANALYZE = "ANALYZE timeline_events, incidents, correlation_keys, sla_settled, outbox";
    private static final Logger LOG = LoggerFactory.getLogger(FreshStoreAnalyzer.class);

    private final DataSource dataSource;
    /** One {@code ANALYZE} at a time; the thread ends when idle. */
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "fresh-store-analyze");
        t.setDaemon(true);
        return t;
    });
    /** Events in the store as far as this instance knows (only the writer thread calls {@link #afterCommit}). */
    private long events;
    private long next;

    private FreshStoreAnalyzer(DataSource dataSource, long events) {
        this.dataSource = dataSource;
        this.events = events;
        long step = FIRST;
        while (step <= events) {
            step *= 4;
        }
        this.next = step;
    }

    /**
     * The analyzer for a store: on PostgreSQL when it holds fewer than {@value #LAST} events, otherwise a listener that
     * does nothing.
     */
    public static AppendListener forStore(DataSource dataSource, SqlDialect dialect) {
        if (dialect != SqlDialect.POSTGRESQL) {
            return new AppendListener() {
            };
        }
        long stored = storedUpTo(dataSource, LAST);
        return stored >= LAST ? new AppendListener() {
        } : new FreshStoreAnalyzer(dataSource, stored);
    }

    /** The number of stored events, counted up to {@code limit} (a bounded read at start-up, whatever the store's size). */
    private static long storedUpTo(DataSource dataSource, long limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM timeline_events LIMIT ?) e")) {
            ps.setLong(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            LOG.debug("could not count the stored events; leaving the statistics to autovacuum", e);
            return limit;
        }
    }

    @Override
    public void afterCommit(List<TimelineEvent> written) {
        events += written.size();
        if (events < next || next > LAST) {
            return;
        }
        while (next <= events) {
            next *= 4;
        }
        long at = events;
        runner.execute(() -> analyze(at));
    }

    private void analyze(long at) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ANALYZE);
            LOG.debug("analyzed the lookup tables of a new store at {} events", at);
        } catch (SQLException e) {
            LOG.debug("ANALYZE of a new store's tables failed; autovacuum will do it", e);
        }
    }
}
