package dev.incidentgateway.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's settings as Camel property placeholders, so a YAML route reads a setting declared once in
 * {@link GatewayConfig} (env variable, config file or default, validated) as {@code {{gateway.<key name>}}}, e.g.
 * {@code {{gateway.kafka.topic}}}, instead of a second, undocumented {@code {{env:...}}} lookup. Secret keys are
 * left out: a route that needs a credential reads it where the operator put it, and Camel's property listings
 * never show one. Besides the settings, values derived from them that a shipped route needs: the Kafka producer's
 * timeouts ({@link KafkaProducerTimeouts}, {@code {{gateway.kafka.producer.deliveryTimeoutMs}}}…), which follow
 * {@code GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS}.
 */
public final class RoutePlaceholders {
    public static final String PREFIX = "gateway.";

    private RoutePlaceholders() {
    }

    public static Map<String, String> of(GatewayConfig config) {
        return of(config, List.of());
    }

    /**
     * The application's settings and the connectors' ({@code connectorKeys}, e.g. {@code {{gateway.servicenow.url}}}: a
     * route of the operator's beside a shipped connector reads the same variable the connector does), secrets left out,
     * and the values derived from them.
     */
    public static Map<String, String> of(GatewayConfig config, Collection<ConfigKey<?>> connectorKeys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey<?> key : GatewayConfig.KEYS) {
            if (!key.isSecret()) {
                out.put(PREFIX + key.name(), String.valueOf(config.get(key)));
            }
        }
        for (ConfigKey<?> key : connectorKeys) {
            if (!key.isSecret()) {
                out.putIfAbsent(PREFIX + key.name(), ConnectorSettings.text(key, config.env()));
            }
        }
        out.putAll(KafkaProducerTimeouts.of(config).placeholders());
        return out;
    }
}
