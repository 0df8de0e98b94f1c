package dev.incidentgateway.routes;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.KafkaBroker;
import dev.incidentgateway.testsupport.KafkaBroker.Listener;
import dev.incidentgateway.testsupport.SelfSignedCertificate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped Kafka target (routes/outbound/kafka.camel.yaml, unchanged) in the real jar against one real broker that
 * only lets in authenticated or TLS clients, on three listeners: SASL_PLAINTEXT with PLAIN logins, SSL with a
 * certificate from a private CA, and SASL_SSL with SCRAM-SHA-512 logins over that TLS. With the
 * KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_CA_FILE settings the committed events arrive and the source
 * reads a CloudEvent; with a wrong password, or without the CA, nothing arrives and the delivery waits in the outbox
 * (pending, attempts counted), to go out once the gateway runs with the right settings. Settings the start cannot
 * work with stop it with exit 2, naming the key.
 *
 * <p>The broker starts once for the class (its start is the largest cost); each test has its own listener, topics,
 * consumer groups and gateway directory, so the tests do not see each other.
 */
class KafkaClientSecurityIT {
    // A ';' and an '=' inside the password: the JAAS line the gateway builds must quote it.
    private static final String PASSWORD = "gw-s3cret;=x";
    private static final String PLAIN_USER = "gateway";
    /** Only a SCRAM login: a gateway that logged in with PLAIN instead would be refused. */
    private static final String SCRAM_USER = "gateway-scram";

    @TempDir
    static Path shared;
    private static GatewayProcess jar;
    private static SelfSignedCertificate ca;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        jar = GatewayProcess.locate("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "KAFKA_SOURCE_TOPIC", "KAFKA_SOURCE_GROUP",
                "KAFKA_SOURCE_DLQ_TOPIC", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
                "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CA_FILE");
        ca = SelfSignedCertificate.create(Files.createDirectory(shared.resolve("tls")));
        kafka = KafkaBroker.startSecured(shared, ca, Map.of(PLAIN_USER, PASSWORD), Map.of(SCRAM_USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theTargetLogsInWithSaslPlainAndAWrongPasswordDeliversNothing(@TempDir Path dir) throws Exception {
        Case c = new Case(dir, Listener.SASL_PLAINTEXT);
        Map<String, String> env = c.env("PLAIN", PLAIN_USER);
        refusedAtStart(dir, env);
        env.put("KAFKA_SASL_PASSWORD", "wrong-" + PASSWORD);
        deliveredOnlyWith(c, env, "Invalid username or password", Map.of("KAFKA_SASL_PASSWORD", PASSWORD));
    }

    @Test
    void theTargetTrustsTheBrokersPrivateCaFromTheCaFileOnly(@TempDir Path dir) throws Exception {
        Case c = new Case(dir, Listener.SSL);
        Map<String, String> env = c.env(null, null); // without a CA file: the JVM's trust store, which does not know it
        deliveredOnlyWith(c, env, "SslAuthenticationException", Map.of("KAFKA_SSL_CA_FILE", ca.certFile().toString()));
    }

    @Test
    void theTargetLogsInWithScramOverTlsAndAWrongPasswordDeliversNothing(@TempDir Path dir) throws Exception {
        Case c = new Case(dir, Listener.SASL_SSL);
        Map<String, String> env = c.env("SCRAM-SHA-512", SCRAM_USER);
        env.put("KAFKA_SSL_CA_FILE", ca.certFile().toString());
        env.put("KAFKA_SASL_PASSWORD", "wrong-" + PASSWORD);
        // The broker names the mechanism it refused: the gateway did try SCRAM, over TLS (the handshake passed).
        deliveredOnlyWith(c, env, "invalid credentials with SASL mechanism SCRAM-SHA-512",
                Map.of("KAFKA_SASL_PASSWORD", PASSWORD));
    }

    /** One test's gateway directory (store, key, logs) and broker listener, which names its topics and consumer groups. */
    private record Case(Path dir, Listener listener) {
        String name() {
            return listener.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        String topic() {
            return "incident-events-security-it-" + name();
        }

        String sourceTopic() {
            return "incident-commands-security-it-" + name();
        }

        /**
         * Creates the case's topics; the gateway's settings for them and this listener (the security protocol is its
         * name), fast retries, and a SASL login of {@code user} with {@code mechanism} unless null (no password yet).
         */
        Map<String, String> env(String mechanism, String user) throws Exception {
            kafka.createTopic(topic(), 1);
            kafka.createTopic(sourceTopic(), 1);
            Map<String, String> env = new HashMap<>();
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "500");
            env.put("GATEWAY_OUTBOX_POLL_MS", "100");
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(listener));
            env.put("KAFKA_TOPIC", topic());
            env.put("KAFKA_SOURCE_GROUP", "gateway-" + name());
            env.put("KAFKA_SECURITY_PROTOCOL", listener.name());
            if (mechanism != null) {
                env.put("KAFKA_SASL_MECHANISM", mechanism);
                env.put("KAFKA_SASL_USERNAME", user);
            }
            return env;
        }
    }

    /**
     * Runs the gateway with {@code env}, whose Kafka settings the broker refuses: the first incident's event waits in the
     * outbox, its last error containing {@code refusal}, and never reaches the topic. Then with {@code fix} on top: the
     * waiting event and a second one arrive.
     */
    private static void deliveredOnlyWith(Case c, Map<String, String> env, String refusal, Map<String, String> fix)
            throws Exception {
        String key = jar.createApiKey(c.dir(), env, "kafka-security-it", "read,write");
        env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        GatewayProcess.Launched gateway = jar.start(c.dir(), env);
        try {
            jar.awaitHealthy(gateway);
            HttpApi http = new HttpApi(gateway.port(), key);
            declare(http, "KSE-1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(http.get("/api/v1/outbox?connector=kafka&status=pending&limit=10").json().path("items"))
                            .as("the kafka delivery, refused by the broker, waits in the outbox").singleElement()
                            .satisfies(row -> {
                                assertThat(row.path("attempts").asInt()).isGreaterThan(1);
                                assertThat(row.path("lastError").asText()).as(row.toString()).contains(refusal);
                                System.out.println("KafkaClientSecurityIT: " + c.listener() + " refused delivery " + row);
                            }));
            // The partition's end offset, not a consumer's poll: nothing was ever appended, whatever a consumer had seen.
            assertThat(endOffset(c.listener(), c.topic())).as("nothing published").isZero();
            assertThat(http.get("/api/v1/outbox?connector=kafka&status=delivered&limit=10").json().path("items")).isEmpty();
        } finally {
            GatewayProcess.stop(gateway.process());
        }
        assertThat(Files.readString(gateway.log())).as("the password is never logged").doesNotContain(PASSWORD);

        env.putAll(fix);
        env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        env.put("KAFKA_SOURCE_TOPIC", c.sourceTopic()); // the source's consumer takes the same settings
        gateway = jar.start(c.dir(), env);
        try (KafkaConsumer<String, String> consumer = consumer(c)) {
            consumer.subscribe(List.of(c.topic()));
            jar.awaitHealthy(gateway);
            HttpApi http = new HttpApi(gateway.port(), key);
            declare(http, "KSE-2");
            List<String> incidents = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> incidents.add(r.key())); // the record key: the incident id
                assertThat(incidents).containsExactlyInAnyOrder("KSE-1", "KSE-2"); // two incidents: no order between them
            });
            // The source reads with the same login / trust: a CloudEvent from the topic reaches the timeline.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(c.listener()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(c.sourceTopic(), "KSE-2", KafkaCloudEventsSourceIT.ce("kse-2-ack", "ack",
                        "KSE-2", "{}"))).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> assertThat(
                    http.get("/api/v1/incidents/KSE-2/timeline").json().path("events").findValuesAsText("ceId"))
                    .contains("kse-2-ack"));
            // The relay records a delivery after the broker's acknowledgement, which the consumer may see first.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    http.get("/api/v1/outbox?connector=kafka&status=pending&limit=10").json().path("items")).isEmpty());
        } finally {
            GatewayProcess.stop(gateway.process());
        }
        assertThat(Files.readString(gateway.log())).doesNotContain(PASSWORD);
    }

    /** A SASL protocol without a password, and an unreadable CA file: exit 2 before anything starts, naming the key. */
    private static void refusedAtStart(Path dir, Map<String, String> env) throws Exception {
        Map<String, String> noPassword = new HashMap<>(env);
        noPassword.remove("KAFKA_SASL_PASSWORD");
        GatewayProcess.Command refused = jar.command(dir, noPassword, "run");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.stderr()).contains("KAFKA_SASL_PASSWORD").contains("required when KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT");

        Map<String, String> badCa = new HashMap<>(env);
        badCa.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        badCa.put("KAFKA_SASL_PASSWORD", PASSWORD);
        badCa.put("KAFKA_SSL_CA_FILE", dir.resolve("no-such-ca.pem").toString());
        refused = jar.command(dir, badCa, "run");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.stderr()).contains("KAFKA_SSL_CA_FILE").contains("no-such-ca.pem").doesNotContain(PASSWORD);
    }

    private static void declare(HttpApi http, String id) {
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Kafka security " + id, "actor", "a", "severity", "sev2"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /** The end offset of {@code topic}'s one partition: how many records were ever appended to it. */
    private static long endOffset(Listener listener, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(kafka.clientConfig(listener))) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }

    /** Logs in as the broker's admin user on the case's listener: the test reads what the gateway published with a login of its own. */
    private static KafkaConsumer<String, String> consumer(Case c) {
        Map<String, Object> config = kafka.clientConfig(c.listener());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "security-it-" + c.name());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
