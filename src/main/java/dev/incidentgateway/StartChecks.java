package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.audit.CheckpointKeys;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.KafkaClientSecurity;
import dev.incidentgateway.config.RouteFileKeys;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.WebhookSourceRegistry;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.SinkRegistry;
import dev.incidentgateway.security.OidcSettings;
import dev.incidentgateway.sla.SlaModule;
import dev.incidentgateway.transport.GatewayTls;
import org.apache.camel.support.jsse.SSLContextParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a start checks before it creates anything ({@code data/}, {@code keys/}): the routes directory, the TLS
 * pair, the Kafka CA, the SLA file, the OIDC URLs and the connector descriptors (their directory, known keys and kinds,
 * and what is built from them: webhook sources with their mappings, sinks, pollers).
 * A start and {@code java -jar incident-gateway.jar config} both run these, so {@code config} exits 2 exactly where a
 * start would; before, {@code config} passed a certificate without its key that the start refused.
 */
record StartChecks(Optional<SSLContextParameters> tls, Optional<KafkaClientSecurity> kafkaSecurity, SlaModule sla,
                   Connectors connectors, Map<String, JsonNode> descriptors, SinkRegistry.Loaded sinks, List<PollingSource> pollers) {

    /**
     * For {@code config}: what it builds delivers and polls nothing, so its HTTP client and store are never reached. The
     * routes, which a start checks as Camel starts them, are loaded into a context that never starts ({@link RouteCheck}).
     */
    static StartChecks run(GatewayConfig config) {
        StartChecks checked = run(config, new SinkHttpClient(() -> {
            throw new IllegalStateException("config delivers nothing");
        }), new ExternalRefs(() -> {
            throw new IllegalStateException("config opens no store");
        }));
        RouteCheck.run(config, checked);
        return checked;
    }

    /** The connectors' settings, for the YAML routes' placeholders ({@code {{gateway.servicenow.url}}}). */
    List<ConfigKey<?>> connectorKeys() {
        return connectors.settings().values().stream().flatMap(List::stream).toList();
    }

    /**
     * Throws {@link ConfigException} naming the setting on the first problem.
     *
     * @param http the sinks' and pollers' HTTP client (it takes Camel's producer template on first use)
     * @param refs the pollers' external references (they reach the store on first use)
     */
    static StartChecks run(GatewayConfig config, SinkHttpClient http, ExternalRefs refs) {
        Path routesDir = config.routesDir();
        if (routesDir != null && !Files.isDirectory(routesDir)) {
            throw new ConfigException(RouteSettings.ROUTES_DIR.problem("directory not found: " + routesDir.toAbsolutePath()));
        }
        RouteFileKeys.requireUnique(routesDir); // before Camel, which would take the later of two keys silently
        Optional<SSLContextParameters> tls = GatewayTls.load(config);
        Optional<KafkaClientSecurity> kafkaSecurity = KafkaClientSecurity.from(config);
        SlaModule sla = SlaModule.load(config);
        OidcSettings.fromConfig(config);
        checkExistingKeys(config);
        Connectors connectors = Connectors.discover(); // ServiceLoader: META-INF/services/...connectors.Connector
        Map<String, JsonNode> descriptors = connectors.descriptors(config); // a typo in one stops the start
        // What the start builds from the descriptors, built here by the same code (before, config read only their keys
        // and passed a mapping key, JSONPath or event type a start refused): the webhook sources are built again with the
        // store's tokens, the sinks and pollers are kept.
        WebhookSourceRegistry.check(descriptors, config.env(), GatewayJson.create());
        SinkRegistry.Loaded sinks = SinkRegistry.loadAll(descriptors, connectors.sinkFactories(), connectors.withoutSink(),
                config.connectorEnv(), http);
        List<PollingSource> pollers = connectors.pollers(descriptors, config.connectorEnv(), http, refs);
        return new StartChecks(tls, kafkaSecurity, sla, connectors, descriptors, sinks, pollers);
    }

    /**
     * The key files a start would read, read as it reads them, generating nothing: a chain key file, and a checkpoint key
     * named by GATEWAY_CHECKPOINT_KEY_FILE or already in the keys directory (a missing default one is the start's to
     * generate). Before, config passed a named checkpoint key without its .pub, or a key file that does not parse, and the
     * start created the store and then refused it.
     */
    private static void checkExistingKeys(GatewayConfig config) {
        ChainKeys.existing(config);
        if (!config.get(AuditSettings.CHECKPOINT_KEY_FILE).isBlank() || Files.exists(CheckpointKeys.privateKeyFile(config))) {
            CheckpointKeys.forGateway(config);
        }
    }
}
