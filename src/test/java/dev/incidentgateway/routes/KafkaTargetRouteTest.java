package dev.incidentgateway.routes;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.RoutePlaceholders;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Kafka target (routes/outbound/kafka.camel.yaml) gives its producer timeouts that follow
 * GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS, so the producer gives up on a record before the outbox retries it. The route is
 * built as the start builds it (the start's placeholders) and never started: no broker is needed.
 */
class KafkaTargetRouteTest {
    @Test
    void theProducersTimeoutsFollowTheOutboxDeliveryDeadline() throws Exception {
        KafkaConfiguration producer = targetProducer(Map.of("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", "8000"));
        assertThat(producer.getDeliveryTimeoutMs()).isEqualTo(4000);
        assertThat(producer.getRequestTimeoutMs()).isEqualTo(1333);
        assertThat(producer.getMaxBlockMs()).isEqualTo(2000);
    }

    @Test
    void atTheDefaultDeadlineTheyAreThirtyTenAndFifteenSeconds() throws Exception {
        KafkaConfiguration producer = targetProducer(Map.of());
        assertThat(producer.getDeliveryTimeoutMs()).isEqualTo(30_000);
        assertThat(producer.getRequestTimeoutMs()).isEqualTo(10_000);
        assertThat(producer.getMaxBlockMs()).isEqualTo(15_000);
    }

    /** The configuration of the route's {@code kafka:} endpoint, with the target on (a broker set) and {@code env}. */
    private static KafkaConfiguration targetProducer(Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9");
        GatewayConfig config = GatewayConfig.load(all, Map.of());
        try (CamelContext context = new DefaultCamelContext()) {
            Properties placeholders = new Properties();
            placeholders.putAll(RoutePlaceholders.of(config));
            context.getPropertiesComponent().setInitialProperties(placeholders);
            context.getRegistry().bind(TimelineComponent.SCHEME, TimelineComponent.forRouteCheck(
                    new CloudEventsWebhookMapper(GatewayJson.create()), new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create())));
            context.setAutoStartup(false); // built, never started: no consumer, no producer
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveResource(context, "file:routes/outbound/kafka.camel.yaml"));
            context.start();
            KafkaEndpoint target = context.getEndpoints().stream().filter(KafkaEndpoint.class::isInstance)
                    .map(KafkaEndpoint.class::cast).findFirst().orElseThrow(() -> new AssertionError("no kafka: endpoint built"));
            return target.getConfiguration();
        }
    }
}
