package dev.incidentgateway.config;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The Kafka target's producer timeouts follow the outbox's delivery deadline in effect, and Kafka accepts them. */
class KafkaProducerTimeoutsTest {
    private static final int MIN_DEADLINE_MS = 1_000;
    private static final int MAX_DEADLINE_MS = 3_600_000;

    @Test
    void theDefaultDeadlineGivesTheRoutesFormerFixedValues() {
        KafkaProducerTimeouts t = KafkaProducerTimeouts.of(GatewayConfig.load(Map.of(), Map.of()));
        assertThat(t).isEqualTo(new KafkaProducerTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(15)));
    }

    @ParameterizedTest(name = "deadline {0} ms, lease {1} ms: in effect {2} ms")
    @CsvSource({"10000, 90000, 10000", "8000, 90000, 8000", "120000, 300000, 120000",
            "80000, 90000, 60000" /* lowered to two thirds of the lease */})
    void theTimeoutsFollowTheDeadlineInEffect(int deadlineMs, int leaseMs, long inEffectMs) {
        KafkaProducerTimeouts t = KafkaProducerTimeouts.of(deadline(deadlineMs, leaseMs));
        assertThat(t.delivery().toMillis()).isEqualTo(inEffectMs / 2);
        assertThat(t.request().toMillis()).isEqualTo(inEffectMs / 6);
        assertThat(t.maxBlock().toMillis()).isEqualTo(inEffectMs / 4);
        assertThat(t.placeholders()).containsExactly(Map.entry("gateway.kafka.producer.deliveryTimeoutMs", Long.toString(inEffectMs / 2)),
                Map.entry("gateway.kafka.producer.requestTimeoutMs", Long.toString(inEffectMs / 6)),
                Map.entry("gateway.kafka.producer.maxBlockMs", Long.toString(inEffectMs / 4)));
    }

    /**
     * At the setting's smallest and largest deadline in effect a record ends (metadata wait plus delivery timeout) before
     * the outbox gives up on it, and Kafka's own producer accepts the values: it refuses a delivery.timeout.ms below
     * linger.ms + request.timeout.ms (the route's linger.ms is Camel's default, 0; checked here with room for more).
     */
    @ParameterizedTest(name = "deadline {0} ms, lease {1} ms")
    @CsvSource({MIN_DEADLINE_MS + ", 5000", MAX_DEADLINE_MS + ", " + MAX_DEADLINE_MS})
    void atTheSettingsBoundsARecordEndsWithinTheDeadlineAndKafkaAcceptsTheTimeouts(int deadlineMs, int leaseMs) {
        GatewayConfig config = deadline(deadlineMs, leaseMs);
        Duration inEffect = config.outboxDeliveryTimeout();
        KafkaProducerTimeouts t = KafkaProducerTimeouts.of(config);
        assertThat(t.maxBlock().plus(t.delivery())).isLessThan(inEffect);
        assertThat(t.request()).isPositive();
        long linger = 5; // Kafka 4's default linger.ms, should Camel's default of 0 ever follow it
        assertThat(t.delivery().toMillis()).isGreaterThanOrEqualTo(linger + t.request().toMillis());
        assertThatCode(() -> newProducer(t, linger).close(Duration.ZERO)).doesNotThrowAnyException();
    }

    /** The bounds above are the setting's: one step beyond either is refused. */
    @Test
    void theBoundsCheckedAreTheSettingsOwn() {
        assertThatThrownBy(() -> deadline(MIN_DEADLINE_MS - 1, 90_000)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> deadline(MAX_DEADLINE_MS + 1, MAX_DEADLINE_MS)).isInstanceOf(ConfigException.class);
    }

    /** The producer Kafka would build from these values (it checks them as it is built, connecting to nothing). */
    private static KafkaProducer<String, String> newProducer(KafkaProducerTimeouts t, long lingerMs) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) t.delivery().toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) t.request().toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, t.maxBlock().toMillis(),
                ProducerConfig.LINGER_MS_CONFIG, lingerMs), new StringSerializer(), new StringSerializer());
    }

    private static GatewayConfig deadline(int deadlineMs, int leaseMs) {
        return GatewayConfig.load(Map.of("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", Integer.toString(deadlineMs),
                "GATEWAY_OUTBOX_LEASE_MS", Integer.toString(leaseMs)), Map.of());
    }
}
