package dev.incidentgateway.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka target's producer timeouts, derived from the outbox's deadline of one delivery
 * ({@link GatewayConfig#outboxDeliveryTimeout()}: {@code GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS}, at most two thirds of the
 * lease), so that the producer has given up on a record before the outbox cuts the delivery off and schedules its retry.
 * Fixed values did not follow the deadline: below them the producer went on retrying a record the outbox had already
 * abandoned, which could then arrive next to the outbox's own retry (a duplicate record); above them a longer deadline
 * bought the producer no more time.
 * <ul>
 *   <li>{@code delivery.timeout.ms}: half the deadline — the bound Kafka puts on a record from {@code send()} to its
 *       acknowledgement or failure, retries included;</li>
 *   <li>{@code request.timeout.ms}: a third of that, so a broker that answers one request late leaves time for
 *       retries, and Kafka's rule {@code delivery.timeout.ms >= linger.ms + request.timeout.ms} holds at any deadline
 *       (the route leaves {@code linger.ms} at Camel's 0; the rule has room for a third of the deadline);</li>
 *   <li>{@code max.block.ms}: half of the delivery timeout — how long {@code send()} itself waits for a dark broker's
 *       metadata, before the delivery timeout starts, so a record ends within three quarters of the deadline.</li>
 * </ul>
 * At the default deadline (60 s): 30 s, 10 s and 15 s. The route reads them as {@link #placeholders()}; they are not
 * settings of their own (set the deadline instead).
 *
 * <p>Kafka also expires a record that is in flight when its delivery timeout passes, and the broker may still write it:
 * a delivery timeout shorter than a broker's restart makes such copies likelier (KafkaTargetIT saw one in three runs with
 * a 10 s deadline, none with 20 s), so a low deadline buys faster failure at the price of more copies for consumers
 * to drop by CloudEvent id.
 */
public record KafkaProducerTimeouts(Duration delivery, Duration request, Duration maxBlock) {
    /** Placeholder names, {@code {{gateway.kafka.producer.deliveryTimeoutMs}}} etc., in routes/outbound/kafka.camel.yaml. */
    public static final String DELIVERY_TIMEOUT_MS = RoutePlaceholders.PREFIX + "kafka.producer.deliveryTimeoutMs";
    public static final String REQUEST_TIMEOUT_MS = RoutePlaceholders.PREFIX + "kafka.producer.requestTimeoutMs";
    public static final String MAX_BLOCK_MS = RoutePlaceholders.PREFIX + "kafka.producer.maxBlockMs";

    /** The timeouts that end a record within {@code deliveryDeadline} (the outbox's deadline in effect). */
    public static KafkaProducerTimeouts following(Duration deliveryDeadline) {
        Duration delivery = deliveryDeadline.dividedBy(2);
        return new KafkaProducerTimeouts(delivery, delivery.dividedBy(3), delivery.dividedBy(2));
    }

    public static KafkaProducerTimeouts of(GatewayConfig config) {
        return following(config.outboxDeliveryTimeout());
    }

    /** The timeouts in milliseconds under their placeholder names. */
    public Map<String, String> placeholders() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(DELIVERY_TIMEOUT_MS, Long.toString(delivery.toMillis()));
        out.put(REQUEST_TIMEOUT_MS, Long.toString(request.toMillis()));
        out.put(MAX_BLOCK_MS, Long.toString(maxBlock.toMillis()));
        return out;
    }
}
