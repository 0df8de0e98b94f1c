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
 * bounds the waiting for work in flight; closing the store afterwards is not bounded by it.
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
 *       audit checkpoint signs the final head once no append can move it, and only then the connections close.</li>
 * </ol>
 * Each step runs once, whoever asks (signal, test, embedding code).
 */
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

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
        for (AutoCloseable user : parts.storeUsers()) {
            closeQuietly(user);
        }
        parts.store().close(); // the writer commits its queue; appends from now on answer 503
        parts.audit().close(); // the last checkpoint, once the head can no longer move
        parts.dataSource().close();
        LOG.info("Stopped: the store is closed");
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
    }

    private void stopCamel() {
        CamelContext context = parts.camel().getCamelContext();
        if (context != null) {
            long left = Math.max(1, Duration.between(Instant.now(), deadline).toSeconds());
            context.getShutdownStrategy().setTimeout(left);
        }
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
