package dev.incidentgateway.outbox;

/**
 * An outbound connector: delivers one committed event to its target (ServiceNow, Jira, Slack, …).
 *
 * <p>Called by the relay on one of its worker threads, never twice at once for the same incident, and
 * only after every earlier event of that incident was delivered to this connector. It must not throw for
 * a failure of the target: it classifies it into a {@link DeliveryResult} (with the vendor's error message
 * as the reason, so {@code GET /api/v1/outbox?status=dead} says why). A thrown exception is treated as a
 * transient failure.
 *
 * <p>Creating a ticket must be idempotent across crashes: before creating, look for one this gateway
 * already made for the incident (the relay may crash after the target created it and before the row was
 * marked delivered).
 */
public interface Sink {
    /** The connector's name, as in {@code connectors/<name>.yaml}. */
    String connector();

    DeliveryResult deliver(Delivery delivery);
}
