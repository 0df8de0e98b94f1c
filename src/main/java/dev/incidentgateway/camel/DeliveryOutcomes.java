package dev.incidentgateway.camel;

import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.connectors.http.FailureClassifier;
import dev.incidentgateway.security.Redact;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Reads the outcome of one {@code timeline:outbox} exchange, once the route is done with it:
 * <ol>
 *   <li>an exception: {@link DeliveryRetryException} retries (after its Retry-After, else backoff),
 *       {@link DeliveryDeadException} dead-letters, camel-http's {@code HttpOperationFailedException} is classified by
 *       {@link FailureClassifier} (429/503 rate-limited with Retry-After, 408/5xx retried, other 4xx dead), anything
 *       else is retried with backoff;</li>
 *   <li>the property {@value TimelineHeaders#DELIVERY_RESULT} a Java processor set;</li>
 *   <li>the header {@value TimelineHeaders#DEAD_REASON} (dead) or {@value TimelineHeaders#RETRY_AFTER} (retry);</li>
 *   <li>otherwise delivered, recording the ticket named by {@value TimelineHeaders#EXTERNAL_REF_CREATED}, if any.</li>
 * </ol>
 */
final class DeliveryOutcomes {
    private DeliveryOutcomes() {
    }

    static DeliveryResult of(Exchange exchange, Delivery delivery) {
        Throwable failure = exchange.getException();
        if (failure != null) {
            return ofFailure(failure, delivery.item().connector());
        }
        DeliveryResult set = exchange.getProperty(TimelineHeaders.DELIVERY_RESULT, DeliveryResult.class);
        if (set != null) {
            return set;
        }
        Message m = exchange.getMessage();
        String dead = m.getHeader(TimelineHeaders.DEAD_REASON, String.class);
        if (dead != null) {
            return new DeliveryResult.Dead(dead.isBlank() ? "the route dead-lettered it" : dead);
        }
        String retryAfter = m.getHeader(TimelineHeaders.RETRY_AFTER, String.class);
        if (retryAfter != null) {
            java.time.Duration wait = FailureClassifier.retryAfter(retryAfter);
            return new DeliveryResult.Retry("the route asked for a retry after " + retryAfter + " s",
                    wait == null || wait.isZero() ? null : wait);
        }
        String created = m.getHeader(TimelineHeaders.EXTERNAL_REF_CREATED, String.class);
        if (created == null || created.isBlank()) {
            return DeliveryResult.delivered();
        }
        return new DeliveryResult.Delivered(new ExternalRef(delivery.incident().id(), delivery.item().connector(), created,
                m.getHeader(TimelineHeaders.EXTERNAL_REF_KEY, String.class), null,
                m.getHeader(TimelineHeaders.EXTERNAL_REF_URL, String.class)));
    }

    static DeliveryResult ofFailure(Throwable failure, String connector) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeliveryRetryException r) {
                return new DeliveryResult.Retry(String.valueOf(r.getMessage()), r.retryAfter());
            }
            if (t instanceof DeliveryDeadException d) {
                return new DeliveryResult.Dead(String.valueOf(d.getMessage()));
            }
            if (t instanceof HttpOperationFailedException http) {
                return FailureClassifier.classify(http);
            }
        }
        return new DeliveryResult.Retry("error in the " + connector + " route: " + Redact.error(failure), null);
    }
}
