package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.KafkaClientSecurity;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.security.OidcSettings;
import dev.incidentgateway.sla.SlaModule;
import dev.incidentgateway.transport.GatewayTls;
import org.apache.camel.support.jsse.SSLContextParameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a start checks before it creates anything ({@code data/}, {@code keys/}): the routes directory, the TLS
 * pair, the Kafka CA, the SLA file, the OIDC URLs and the connector descriptors (their directory, known keys and kinds).
 * A start and {@code java -jar incident-gateway.jar config} both run these, so {@code config} exits 2 exactly where a
 * start would; before, {@code config} passed a certificate without its key that the start refused.
 */
record StartChecks(Optional<SSLContextParameters> tls, Optional<KafkaClientSecurity> kafkaSecurity, SlaModule sla,
                   Connectors connectors, Map<String, JsonNode> descriptors) {

    /** Throws {@link ConfigException} naming the setting on the first problem. */
    static StartChecks run(GatewayConfig config) {
        Path routesDir = config.routesDir();
        if (routesDir != null && !Files.isDirectory(routesDir)) {
            throw new ConfigException(GatewayConfig.ROUTES_DIR.problem("directory not found: " + routesDir.toAbsolutePath()));
        }
        Optional<SSLContextParameters> tls = GatewayTls.load(config);
        Optional<KafkaClientSecurity> kafkaSecurity = KafkaClientSecurity.from(config);
        SlaModule sla = SlaModule.load(config);
        OidcSettings.fromConfig(config);
        Connectors connectors = Connectors.discover(); // ServiceLoader: META-INF/services/...connectors.Connector
        Map<String, JsonNode> descriptors = connectors.descriptors(config); // a typo in one stops the start
        return new StartChecks(tls, kafkaSecurity, sla, connectors, descriptors);
    }
}
