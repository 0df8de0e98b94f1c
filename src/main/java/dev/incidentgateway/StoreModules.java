package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.connectors.ConnectorSettingsListing;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.WebhookModule;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.outbox.SinkRegistry;
import dev.incidentgateway.security.CredentialRowMacs;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * What {@link Gateway} builds on its opened store before Camel starts: the audit module (its chain key checked against
 * the store's), the connectors (their descriptors, the sinks in the outbox, the pollers) and the webhook sources. A
 * failure closes what was opened, the store included.
 *
 * @param connectorKeys  the connectors' settings, for the YAML routes' placeholders
 * @param pollingSources the connectors' pollers, run by {@code routes/inbound/<name>-poller.camel.yaml}
 */
record StoreModules(AuditModule audit, CredentialRowMacs rowMacs, WebhookModule webhooks, List<ConfigKey<?>> connectorKeys,
                    OutboxModule outbox, List<PollingSource> pollingSources) {
    /** The gateway's logger: these lines are part of its start. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** @param checked the start's checks, with the connectors and descriptors they read before the store was opened */
    static StoreModules open(GatewayConfig config, StartChecks checked, HikariDataSource dataSource, MeterRegistry meters, ObjectMapper json,
                             Main main) {
        WebhookModule inbound = null;
        try {
            AuditModule audit = AuditModule.create(config, dataSource, meters); // the chain key, checked against the store's
            Connectors connectors = checked.connectors();
            Map<String, JsonNode> descriptors = checked.descriptors();
            List<String> unknownVariables = ConnectorSettingsListing.unknownGatewayVariables(config, descriptors);
            if (!unknownVariables.isEmpty()) { // names only: a value may be a secret
                LOG.warn("Not settings of the gateway, ignored (misspelled? `java -jar incident-gateway.jar config` lists every key): {}",
                        String.join(", ", unknownVariables));
            }
            CredentialRowMacs rowMacs = CredentialRowMacs.from(audit.chainKey()); // older rows: sealed by the upgrade (CredentialRowSeal)
            inbound = WebhookModule.load(descriptors, config, dataSource, rowMacs, json);
            // Sinks are built before Camel starts; their HTTP client takes Camel's producer template on first use.
            SinkHttpClient http = new SinkHttpClient(() -> main.getCamelContext().createProducerTemplate());
            List<ConfigKey<?>> connectorKeys = connectors.settings().values().stream().flatMap(List::stream).toList();
            OutboxModule outbox = new OutboxModule(SinkRegistry.loadAll(descriptors, connectors.sinkFactories(), connectors.withoutSink(),
                    config.connectorEnv(), http), ConnectorDescriptors.ofKind(descriptors, "sink").keySet(), dataSource);
            List<PollingSource> pollingSources = connectors.pollers(descriptors, config.connectorEnv(), http, new ExternalRefs(dataSource));
            return new StoreModules(audit, rowMacs, inbound, connectorKeys, outbox, pollingSources);
        } catch (RuntimeException e) {
            if (inbound != null) {
                inbound.close();
            }
            dataSource.close();
            throw e;
        }
    }
}
