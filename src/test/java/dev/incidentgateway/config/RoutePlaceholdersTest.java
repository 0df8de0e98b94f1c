package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings reach YAML routes as {{gateway.<name>}}: env wins over the file, defaults fill in, secrets stay out. */
class RoutePlaceholdersTest {
    @Test
    void settingsAreRoutePlaceholdersWithoutTheSecrets() {
        GatewayConfig config = GatewayConfig.load(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker-1:9092,broker-2:9092", "GATEWAY_DB_PASSWORD", "s3cret"),
                Map.of("kafka.sourceTopic", "alerts"));
        Map<String, String> placeholders = RoutePlaceholders.of(config);
        assertThat(placeholders).containsEntry("gateway.kafka.bootstrapServers", "broker-1:9092,broker-2:9092")
                .containsEntry("gateway.kafka.sourceTopic", "alerts")
                .containsEntry("gateway.kafka.topic", "incident-events");
        assertThat(placeholders).doesNotContainKey("gateway." + StoreSettings.DB_PASSWORD.name());
        assertThat(placeholders.values()).doesNotContain("s3cret");
    }

    @Test
    void connectorSettingsAreRoutePlaceholdersWithoutTheirSecrets() {
        ConfigKey<String> url = ConfigKey.string("servicenow.url", "SERVICENOW_URL", "", "base URL");
        ConfigKey<String> password = ConfigKey.secret("servicenow.password", "SERVICENOW_PASSWORD", "", "password");
        GatewayConfig config = GatewayConfig.load(
                Map.of("SERVICENOW_URL", "https://acme.service-now.com", "SERVICENOW_PASSWORD", "hunter2"), Map.of());
        Map<String, String> placeholders = RoutePlaceholders.of(config, java.util.List.of(url, password));
        assertThat(placeholders).containsEntry("gateway.servicenow.url", "https://acme.service-now.com")
                .containsEntry("gateway.kafka.topic", "incident-events")
                .doesNotContainKey("gateway.servicenow.password");
        assertThat(placeholders.values()).doesNotContain("hunter2");
    }

    /** Besides the settings, the Kafka producer's timeouts derived from the delivery deadline: no setting bears their names. */
    @Test
    void theKafkaProducersTimeoutsFollowTheDeliveryDeadline() {
        Map<String, String> placeholders = RoutePlaceholders.of(GatewayConfig.load(
                Map.of("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", "12000"), Map.of()));
        assertThat(placeholders).containsEntry("gateway.kafka.producer.deliveryTimeoutMs", "6000")
                .containsEntry("gateway.kafka.producer.requestTimeoutMs", "2000")
                .containsEntry("gateway.kafka.producer.maxBlockMs", "3000");
        assertThat(GatewayConfig.KEYS).noneMatch(key -> key.name().startsWith("kafka.producer."));
    }
}
