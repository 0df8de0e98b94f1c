package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.ingest.auth.WebhookSecrets;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connectors' part of {@code java -jar incident-gateway.jar config}: every discovered connector's settings,
 * then the secrets webhook descriptors name ({@code auth.secretEnv}); secrets masked as in the application's list.
 */
public final class ConnectorSettingsListing {
    private ConnectorSettingsListing() {
    }

    public static String describe(GatewayConfig config) {
        StringBuilder out = new StringBuilder();
        Connectors connectors = Connectors.discover();
        connectors.settings().forEach((name, keys) ->
                out.append(ConnectorSettings.describe("connector " + name + " (connectors/" + name + ".yaml)", keys, config.env(),
                        config::masked)));
        try {
            Map<String, JsonNode> descriptors = connectors.descriptors(config);
            var secrets = WebhookSecrets.keys(descriptors);
            if (!secrets.isEmpty()) {
                out.append(ConnectorSettings.describe("webhook sources (auth.secretEnv)", secrets, config.env(), config::masked));
            }
            List<String> unknown = unknownGatewayVariables(config, descriptors);
            if (!unknown.isEmpty()) {
                out.append(String.format(Locale.ROOT, "%n# GATEWAY_* variables that are no setting, ignored (misspelled?)%n%s%n", String.join("\n", unknown)));
            }
        } catch (ConfigException e) {
            out.append(String.format(Locale.ROOT, "%n# webhook sources: descriptors not readable: %s%n", String.join("; ", e.problems())));
        }
        return out.toString();
    }

    /** {@link GatewayConfig#unknownGatewayVariables}, the variables webhook descriptors name ({@code auth.secretEnv}) being known. */
    public static List<String> unknownGatewayVariables(GatewayConfig config, Map<String, JsonNode> descriptors) {
        return config.unknownGatewayVariables(WebhookSecrets.keys(descriptors).stream().map(ConfigKey::env).toList());
    }
}
