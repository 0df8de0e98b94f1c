package dev.incidentgateway.ingest;

import dev.incidentgateway.ingest.auth.WebhookAuthenticator;

/** One inbound webhook source, {@code POST /webhooks/<name>}: who may call it and how its payload maps. */
public record WebhookSource(String name, WebhookAuthenticator authenticator, WebhookMapper mapper) {
}
