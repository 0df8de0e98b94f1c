package dev.incidentgateway.ingest;

import dev.incidentgateway.connectors.Connector;

import java.util.Optional;

/** {@code mapper: cloudevents}: the CloudEvents HTTP binding, binary, structured and batch ({@link CloudEventsWebhookMapper}). */
public final class CloudEventsConnector implements Connector {
    @Override
    public String name() {
        return "cloudevents";
    }

    @Override
    public Optional<WebhookMapperFactory> webhookMapper() {
        return Optional.of((source, d, json) -> new CloudEventsWebhookMapper(json));
    }
}
