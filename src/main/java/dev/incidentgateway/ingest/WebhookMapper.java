package dev.incidentgateway.ingest;

import dev.incidentgateway.timeline.AppendMode;
import dev.incidentgateway.timeline.NewEvent;

import java.util.List;

/**
 * Turns one authenticated webhook payload into timeline events (one request, appended all-or-nothing).
 * Alert payloads address incidents by {@link NewEvent#correlationKey()}; CloudEvents by subject.
 * Each event carries a stable (ceSource, ceId) derived from the payload, so a redelivery is a no-op.
 *
 * <p>Throws {@link dev.incidentgateway.api.ApiProblem}: 400 for a malformed body or an unmappable field
 * (naming it), 415 for a content type it does not read, 422 for a well-formed event it cannot accept.
 */
public interface WebhookMapper {
    List<NewEvent> map(WebhookRequest request);

    /**
     * {@link #map}, with how many of the payload's items map to no event (a vendor event type the source does not map,
     * e.g. PagerDuty's {@code pagey.ping}): the reply counts them as {@code ignored}, like events the store ignores.
     */
    default Mapped mapCounting(WebhookRequest request) {
        return new Mapped(map(request), 0);
    }

    /**
     * What the sender calls {@code field} of the request's {@code index}-th event, for a refusal only the store can make
     * (a transition the state machine refuses, field {@code type}). Unchanged by default: only a mapper whose events are
     * the payload's items one for one can name the item.
     */
    default String itemField(WebhookRequest request, int index, String field) {
        return field;
    }

    /**
     * How the store treats the request's events it refuses. By default a machine sender's batch (alerts resent
     * with their state at every evaluation, by senders that drop a 4xx): a repeat of the incident's state is
     * ignored, another refused transition is reported per item in the 200, and the other items commit.
     */
    default AppendMode appendMode() {
        return AppendMode.SENDER_BATCH;
    }

    /** A payload's events, and the number of its items that map to none. */
    record Mapped(List<NewEvent> events, int skipped) {
    }
}
