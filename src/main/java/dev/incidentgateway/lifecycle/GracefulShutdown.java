package dev.incidentgateway.lifecycle;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.ingest.poll.SourcePollers;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Stops the gateway in an order that loses nothing and sends nothing twice. One budget ({@code GATEWAY_SHUTDOWN_TIMEOUT_S})
 * bounds the waiting for work in flight; closing a store that answers gets what is left of it plus {@link #CLOSE_MARGIN}
 * (one that does not: what is left of it), the pool's close at least {@link #MIN_POOL_CLOSE}, so that the whole stop ends
 * within the budget + 4 s, and within the budget + 1 s when the database hangs (it used to add a 5 s connection wait for
 * the checkpoint and HikariCP's own 5 s wait, past Kubernetes' 30 s with the default budget).
 *
 * <ol>
 *   <li><b>Stop taking work</b>: new HTTP requests get 503 ({@link HttpIntakeGate}), pollers start no run, the outbox
 *       relays claim no row. Nothing new can reach the store from here on. The open live streams are ended (a last
 *       comment, then the response completes): a stream never finishes by itself, and as a request in flight it held
 *       the next step for the whole budget; its client reconnects elsewhere, resuming with its last id.</li>
 *   <li><b>Finish the HTTP requests in flight</b>: their appends are in the timeline writer's queue or being committed;
 *       each answers its commit or, at the append timeout, 503 "outcome unknown". Then the port closes.</li>
 *   <li><b>Finish the deliveries in flight and record their outcome</b> — while Camel still runs, because the sinks call
 *       the vendors through Camel's HTTP component. A delivery still running when the budget is spent records nothing:
 *       its row keeps its claim and is delivered again after the lease (at-least-once), never lost.</li>
 *   <li><b>Stop Camel</b>, its shutdown timeout set to what is left of the budget: a poller run under way ends (its
 *       append still has a store), then the routes, the HTTP server and the HTTP clients stop.</li>
 *   <li><b>Close the store's users, then the store</b>: the writer commits what is still queued (normally nothing), the
 *       audit checkpoint signs the final head once no append can move it, and only then the connections close. While
 *       the store's health probe reports it DOWN the checkpoint is skipped at once (the next start's covers the events).</li>
 * </ol>
 * Each step runs once, whoever asks (signal, test, embedding code).
 */
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    /** Past the budget, for the writer, checkpoint and pool of a store that answers: each takes milliseconds then. */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(3);
    /** The timeline writer's stop gets at least this (see {@link #run}). */
    static final Duration WRITER_FLOOR = Duration.ofMillis(250);
    /** The pool's close gets at least this, even when the steps before it used up the margin. */
    static final Duration MIN_POOL_CLOSE = Duration.ofSeconds(1);

    /** What is stopped, in the order {@link #run} stops it; {@code storeUsers} close before the timeline store. */
    public record Parts(HttpIntakeGate intake, Runnable endStreams, SourcePollers pollers, OutboxModule outbox, Main camel,
                        List<AutoCloseable> storeUsers, TimelineStore store, AuditModule audit, HikariDataSource dataSource) {
    }

    private final Parts parts;
    private final Duration budget;
    private Instant deadline; // set when the shutdown starts: every wait shares the one budget
    private boolean closed;

    public GracefulShutdown(Parts parts, Duration budget) {
        this.parts = parts;
        this.budget = budget;
    }

    /** The whole sequence; returns once the store is closed. */
    public synchronized void run() {
        drain();
        if (closed) {
            return;
        }
        closed = true;
        stopCamel();
        // Read before the store closes (that stops its probe). DOWN: the store's users and the writer get only what is left
        // of the budget (the database may still come back within it) and the checkpoint is skipped; waiting on a silent
        // database past the budget helps nobody, since every caller of an append it holds was answered 503 or gave up.
        boolean answers = parts.store().isHealthy();
        Instant closeBy = answers ? deadline.plus(CLOSE_MARGIN) : deadline;
        // Bounded: closing the API keys records their last use in the store, which waited 5 s for a connection when it hung.
        if (!within("store-users-close", () -> parts.storeUsers().forEach(GracefulShutdown::closeQuietly),
                left(closeBy))) {
            LOG.warn("The store's users (live stream, credential snapshots, HTTP edge) did not close within the shutdown budget: "
                    + "the store does not answer; the API keys' latest use times may not be recorded");
        }
        // At least WRITER_FLOOR: an idle writer notices the stop within its 100 ms queue poll, and a budget Camel used up
        // must not make every such stop warn of appends it never held.
        if (!parts.store().close(max(left(closeBy), WRITER_FLOOR))) { // the writer commits its queue; appends now answer 503
            LOG.warn("The timeline writer did not finish within the shutdown budget: the store does not answer; the appends "
                    + "it held were answered 503 (outcome unknown), a retry with the same key is safe");
        }
        if (answers) {
            parts.audit().close(closeBy); // the last checkpoint, once the head can no longer move
        } else {
            parts.audit().skipCheckpoint();
        }
        // DOWN: no margin is spent on connections that cannot close cleanly anyway (see within).
        if (within("store-close", () -> closeQuietly(parts.dataSource()), max(left(closeBy), MIN_POOL_CLOSE))) {
            LOG.info("Stopped: the store is closed");
        } else {
            LOG.warn("Stopped: the store's connections did not close within the shutdown budget (the database does not "
                    + "answer); they end with the process, and the database rolls back what they had not committed");
        }
    }

    /**
     * Runs {@code step} on a thread of its own and waits for it at most {@code maxWait}; false when it still runs then.
     * For the pool's close: HikariCP's close waits for a connection
     * attempt under way for up to its login timeout (5 s here: the pool's connection timeout; "Timed-out waiting for add
     * connection executor"), then up to 10 s each to abort and close the connections; against a database that hangs
     * every one of those waits runs out. The driver's connect/login/socket timeouts (StoreTimeouts) bound each attempt but
     * cannot be lowered for the close alone without also failing slow connects in normal running, so the wait is bounded
     * here instead. What is abandoned holds nothing acknowledged: the writer stopped and every commit returned before.
     */
    static boolean within(String threadName, Runnable step, Duration maxWait) {
        Thread closing = new Thread(step, threadName);
        closing.setDaemon(true); // the process may exit while it still waits on the database
        closing.start();
        try {
            closing.join(Math.max(1, maxWait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !closing.isAlive();
    }

    private static Duration left(Instant until) {
        Duration left = Duration.between(Instant.now(), until);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Steps 1 to 3 (Camel still runs); {@link #run} starts with them unless they ran already. */
    public synchronized void drain() {
        if (deadline != null) {
            return;
        }
        deadline = Instant.now().plus(budget);
        LOG.info("Stopping: new requests get 503; waiting up to {} s for requests and deliveries in flight", budget.toSeconds());
        parts.intake().close();
        parts.endStreams().run();
        parts.pollers().stop();
        try {
            if (!parts.intake().awaitIdle(deadline)) {
                LOG.warn("{} HTTP request(s) still unanswered after {} s (GATEWAY_SHUTDOWN_TIMEOUT_S): their connections close "
                        + "with the server; a retry with the same Idempotency-Key / CloudEvent id is safe", parts.intake().inFlight(),
                        budget.toSeconds());
            }
            parts.intake().closeListener(Duration.ofSeconds(5));
            int late = parts.outbox().drain(deadline);
            if (late > 0) {
                LOG.warn("Deliveries of {} connector(s) still running after {} s (GATEWAY_SHUTDOWN_TIMEOUT_S): their rows are "
                        + "delivered again after their lease", late, budget.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for work in flight; stopping now");
        }
        // Camel Main stops the context right after this (its beforeStop), with its own shutdown timeout, the whole budget
        // again: a route still holding an exchange (a YAML target's call that never answers) doubled the stop.
        camelTimeoutToWhatIsLeft();
    }

    /** Camel's shutdown timeout: what is left of the budget (at least 1 s, its unit). */
    private void camelTimeoutToWhatIsLeft() {
        CamelContext context = parts.camel().getCamelContext();
        if (context != null) {
            long left = Math.max(1, Duration.between(Instant.now(), deadline).toSeconds());
            context.getShutdownStrategy().setTimeout(left);
        }
    }

    private void stopCamel() {
        camelTimeoutToWhatIsLeft();
        try {
            parts.camel().stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly", e);
        }
        parts.outbox().close();
        parts.pollers().close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }
}
