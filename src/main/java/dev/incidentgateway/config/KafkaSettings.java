package dev.incidentgateway.config;

import java.util.List;

/**
 * The Kafka target's and source's settings (issue 11: written in YAML only, routes/outbound/kafka.camel.yaml and
 * routes/inbound/kafka-cloudevents.camel.yaml, which read them as {@code {{gateway.kafka.*}}} placeholders), with the
 * authentication and TLS of every Kafka client.
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class KafkaSettings {
    /** One Kafka broker address: {@code host:port}, {@code [ipv6]:port}, optionally with a listener prefix ({@code SSL://}). */
    private static final String BROKER = "([A-Za-z_]+://)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}";

    // Checked here, not by the Kafka client: a malformed list failed the start in the route with exit 1 and a stack trace.
    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.matching("kafka.bootstrapServers", "KAFKA_BOOTSTRAP_SERVERS", "",
            "|" + BROKER + "(\\s*,\\s*" + BROKER + ")*", "empty or host:port[,host:port…]",
            "Kafka brokers (host:port,host:port). Empty: the Kafka target and source routes are off. Set: every committed "
                    + "event is published to kafka.topic as a CloudEvent (key = incident id).");
    public static final ConfigKey<String> KAFKA_TOPIC = ConfigKey.string("kafka.topic", "KAFKA_TOPIC", "incident-events",
            "Topic the Kafka target publishes every committed event to (structured CloudEvents, key = incident id). "
                    + "Empty: the target is off (a source-only setup).");
    public static final ConfigKey<String> KAFKA_SOURCE_TOPIC = ConfigKey.string("kafka.sourceTopic", "KAFKA_SOURCE_TOPIC", "",
            "Topic of structured CloudEvents (JSON values) the Kafka source appends to the timeline. "
                    + "Empty: the source is off (it also needs kafka.bootstrapServers).");
    public static final ConfigKey<String> KAFKA_SOURCE_GROUP = ConfigKey.string("kafka.sourceGroup", "KAFKA_SOURCE_GROUP", "incident-gateway",
            "Consumer group of the Kafka source; its offsets are committed only after the append.");
    public static final ConfigKey<String> KAFKA_SOURCE_DLQ_TOPIC = ConfigKey.string("kafka.sourceDeadLetterTopic", "KAFKA_SOURCE_DLQ_TOPIC",
            "incident-gateway-dlq", "Where the Kafka source puts records it cannot append (not a CloudEvent, refused event), "
                    + "unchanged, with the reason in header x-gateway-error; the source goes on with the next record.");
    // Authentication and TLS of every Kafka client (the shipped target and source, the dead-letter producer and any
    // user route's kafka: endpoint): applied once to Camel's kafka component by config/KafkaClientSecurity.
    public static final ConfigKey<String> KAFKA_SECURITY_PROTOCOL = ConfigKey.matching("kafka.securityProtocol",
            "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL",
            "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", "How the Kafka clients reach the brokers: PLAINTEXT (no TLS, no "
                    + "authentication), SSL (TLS), SASL_PLAINTEXT (SASL authentication, no TLS) or SASL_SSL (both; the usual "
                    + "choice for Confluent Cloud, MSK, Aiven).");
    public static final ConfigKey<String> KAFKA_SASL_MECHANISM = ConfigKey.matching("kafka.saslMechanism", "KAFKA_SASL_MECHANISM",
            "", "|PLAIN|SCRAM-SHA-256|SCRAM-SHA-512", "empty, PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
            "SASL mechanism with kafka.securityProtocol SASL_PLAINTEXT or SASL_SSL (required there): PLAIN, SCRAM-SHA-256 or "
                    + "SCRAM-SHA-512.");
    public static final ConfigKey<String> KAFKA_SASL_USERNAME = ConfigKey.string("kafka.saslUsername", "KAFKA_SASL_USERNAME", "",
            "SASL user name (an API key on Confluent Cloud); required with a SASL_* protocol. The gateway builds the JAAS line.");
    public static final ConfigKey<String> KAFKA_SASL_PASSWORD = ConfigKey.secret("kafka.saslPassword", "KAFKA_SASL_PASSWORD", "",
            "SASL password (an API secret on Confluent Cloud); required with a SASL_* protocol; never logged.");
    public static final ConfigKey<String> KAFKA_SSL_CA_FILE = ConfigKey.string("kafka.sslCaFile", "KAFKA_SSL_CA_FILE", "",
            "PEM file of the CA certificates the Kafka clients trust with SSL or SASL_SSL. Empty: the JVM's default trust "
                    + "store (enough for public CAs, e.g. Confluent Cloud, MSK).");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC, KAFKA_SOURCE_TOPIC,
            KAFKA_SOURCE_GROUP, KAFKA_SOURCE_DLQ_TOPIC, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
            KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_FILE);

    private KafkaSettings() {
    }
}
