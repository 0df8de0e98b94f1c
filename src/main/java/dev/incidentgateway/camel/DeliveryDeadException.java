package dev.incidentgateway.camel;

/**
 * Thrown by a {@code timeline:outbox} route: the target refused the event for good; the row is dead-lettered with the
 * message as its reason ({@code GET /api/v1/outbox?status=dead}) and holds back the incident's later events until an
 * operator replays or skips it. From YAML:
 * {@code throwException: {exceptionType: dev.incidentgateway.camel.DeliveryDeadException, message: "why"}}, or set the
 * header {@code TimelineDeadReason} and let the route complete.
 */
public class DeliveryDeadException extends RuntimeException {
    public DeliveryDeadException(String reason) {
        super(reason);
    }
}
