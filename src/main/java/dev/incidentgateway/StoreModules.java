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
import dev.incidentgateway.ingest.WebhookModule;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.security.CredentialRowMacs;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * What {@link Gateway} builds on its opened store before Camel starts: the audit module (its chain key checked against
 * the store's), the outbox with the sinks {@link StartChecks} built, and the webhook sources with the store's tokens. A
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
    static StoreModules open(GatewayConfig config, StartChecks checked, HikariDataSource dataSource, MeterRegistry meters, ObjectMapper json) {
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
            List<ConfigKey<?>> connectorKeys = checked.connectorKeys();
            OutboxModule outbox = new OutboxModule(checked.sinks(), ConnectorDescriptors.ofKind(descriptors, "sink").keySet(), dataSource);
            return new StoreModules(audit, rowMacs, inbound, connectorKeys, outbox, checked.pollers());
        } catch (RuntimeException e) {
            if (inbound != null) {
                inbound.close();
            }
            dataSource.close();
            throw e;
        }
    }
}
