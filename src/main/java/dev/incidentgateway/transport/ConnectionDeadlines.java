package dev.incidentgateway.transport;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Cuts off slow and idle clients. Each HTTP/1.x connection has one deadline at a time:
 * <ul>
 *   <li>opened: its first request's headers must be in within the read timeout;</li>
 *   <li>a request's headers are in: its body must be in within the read timeout (else the connection is closed);</li>
 *   <li>its response is sent: the next request's headers must be in within the idle timeout (an idle keep-alive
 *       connection is closed then).</li>
 * </ul>
 * While the gateway itself works on a request (body read, no response yet) no deadline runs: the append timeout
 * bounds that. Why not Vert.x's own options: it has no header or body read timeout, and its idle timeout also
 * counts the time the gateway spends answering, so a slow append would lose its connection before its 503.
 */
final class ConnectionDeadlines {
    private final Vertx vertx;
    private final long readMillis;
    private final long idleMillis;
    private final MeterRegistry meters;
    private final Map<HttpConnection, Deadline> open = new ConcurrentHashMap<>();

    ConnectionDeadlines(Vertx vertx, Duration readTimeout, Duration idleTimeout, MeterRegistry meters) {
        this.vertx = vertx;
        this.readMillis = readTimeout.toMillis();
        this.idleMillis = idleTimeout.toMillis();
        this.meters = meters;
        meters.gauge("gateway.http.connections", open, Map::size);
    }

    /** A new connection (Vert.x's connection handler): its request headers are due. */
    void opened(HttpConnection connection) {
        Deadline deadline = new Deadline(connection);
        open.put(connection, deadline);
        connection.closeHandler(v -> {
            Deadline gone = open.remove(connection);
            if (gone != null) {
                gone.disarm();
            }
        });
        deadline.arm(readMillis, () -> true, "read-timeout");
    }

    /** A request's headers are in (first handler of the router): its body is due, then after the answer the next request. */
    void requestHead(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Deadline deadline = open.get(request.connection());
        if (deadline == null) {
            return;
        }
        if (request.version() == HttpVersion.HTTP_2) {
            deadline.disarm(); // many requests share an HTTP/2 connection: the per-connection clock does not apply
            return;
        }
        deadline.arm(readMillis, () -> !request.isEnded(), "read-timeout");
        ctx.addEndHandler(done -> {
            if (done.succeeded()) {
                deadline.arm(idleMillis, () -> true, "idle-timeout");
            }
        });
    }

    /** The one timer of a connection; armed and fired from event-loop threads, hence synchronized. */
    private final class Deadline {
        private final HttpConnection connection;
        private long timer = -1;

        Deadline(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void arm(long millis, BooleanSupplier stillDue, String reason) {
            disarm();
            timer = vertx.setTimer(millis, t -> fire(t, stillDue, reason)); // fire() waits for this lock: sees the id
        }

        private synchronized void fire(long id, BooleanSupplier stillDue, String reason) {
            if (id != timer) {
                return; // re-armed meanwhile
            }
            timer = -1;
            if (stillDue.getAsBoolean()) {
                meters.counter("gateway.http.connections.cut", "reason", reason).increment();
                connection.close();
            }
        }

        synchronized void disarm() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
