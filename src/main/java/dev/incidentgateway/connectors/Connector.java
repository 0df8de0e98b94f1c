package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.WebhookMapperFactory;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.SinkFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One connector: what it needs (its settings, declared once) and what it offers: a sink (events out), a
 * poller (changes in) and/or a webhook mapper (a payload shape in). Connectors are discovered with
 * {@link java.util.ServiceLoader}: a vendor is one package with a class implementing this, one line naming it in
 * {@code META-INF/services/dev.incidentgateway.connectors.Connector}, and its descriptor
 * {@code connectors/<name>.yaml} (shipped in the jar or in the connectors directory). No central list to edit.
 *
 * <p>A provider needs a public no-argument constructor; it is created once per start and must be cheap.
 */
public interface Connector {
    /** The connector's name: its descriptor {@code connectors/<name>.yaml}, its sink's and poller's name. */
    String name();

    /**
     * Every environment setting the connector reads, declared once ({@link ConfigKey}: name, variable, default,
     * secret, doc) and read through {@link dev.incidentgateway.config.ConnectorSettings}; {@code config} lists them.
     */
    default List<ConfigKey<?>> settings() {
        return List.of();
    }

    /**
     * The top-level descriptor keys this connector's sink, poller or webhook mapper reads, beyond those of the
     * descriptor's kind; {@link DescriptorCheck} refuses any other key (a typo). Its readers take them through
     * {@link DescriptorKeys#path}, so this set is the set read.
     */
    default DescriptorKeys descriptorKeys() {
        return DescriptorKeys.NONE;
    }

    /** The sink, for a descriptor {@code kind: sink} of this name. */
    default Optional<SinkFactory> sink() {
        return Optional.empty();
    }

    /**
     * The poller of this source, when it is on (its credentials set, its interval not 0, and its descriptor not saying
     * {@code enabled: false}, which turns off the whole connector: {@link dev.incidentgateway.config.ConnectorDescriptors#switchedOff}).
     *
     * @param descriptor {@code connectors/<name>.yaml}, or {@code null} when there is none
     * @throws dev.incidentgateway.config.ConfigException naming the variable or key at fault
     */
    default Optional<PollingSource> poller(JsonNode descriptor, Map<String, String> env, SinkHttpClient http, ExternalRefs refs) {
        return Optional.empty();
    }

    /** The webhook payload mapper a {@code kind: webhook-source} descriptor selects with {@code mapper: <name>}. */
    default Optional<WebhookMapperFactory> webhookMapper() {
        return Optional.empty();
    }
}
