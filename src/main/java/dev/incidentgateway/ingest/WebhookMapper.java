package dev.incidentgateway.ingest;

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
}
