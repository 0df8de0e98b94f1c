package dev.incidentgateway.ingest.generic;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.Connector;
import dev.incidentgateway.ingest.WebhookMapperFactory;

import java.util.Optional;

/**
 * {@code mapper: jsonpath}: any JSON payload, mapped by the descriptor's {@code mapping:} block
 * ({@link JsonPathWebhookMapper}); PagerDuty and Datadog are descriptors of this mapper, with no code of their own.
 */
public final class JsonPathConnector implements Connector {
    @Override
    public String name() {
        return "jsonpath";
    }

    /** The descriptor key of the mapping ({@link MappingReader}). */
    private static final DescriptorKeys KEYS = DescriptorKeys.of("mapping");

    @Override
    public DescriptorKeys descriptorKeys() {
        return KEYS;
    }

    @Override
    public Optional<WebhookMapperFactory> webhookMapper() {
        return Optional.of((source, d, json) -> JsonPathWebhookMapper.fromDescriptor(source, KEYS.path(d, "mapping")));
    }
}
