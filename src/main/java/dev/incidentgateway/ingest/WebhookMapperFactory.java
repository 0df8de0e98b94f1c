package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Builds a webhook source's payload mapper from its descriptor; offered by a connector ({@code mapper: <connector>}). */
@FunctionalInterface
public interface WebhookMapperFactory {
    /**
     * @param source     the webhook source's name ({@code connectors/<source>.yaml}, {@code POST /webhooks/<source>})
     * @param descriptor its whole descriptor
     * @throws dev.incidentgateway.config.ConfigException naming the file and key at fault
     */
    WebhookMapper create(String source, JsonNode descriptor, ObjectMapper json);
}
