package dev.incidentgateway.routes;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.KafkaBroker;
import dev.incidentgateway.testsupport.SelfSignedCertificate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped Kafka target (routes/outbound/kafka.camel.yaml, unchanged) in the real jar against real brokers that
 * only let in authenticated or TLS clients: one with a SASL_PLAINTEXT listener and PLAIN logins, one with an SSL
 * listener whose certificate comes from a private CA. With the KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and
 * KAFKA_SSL_CA_FILE settings the committed events arrive and the source reads a CloudEvent; with a wrong password, or without the CA, nothing arrives
 * and the delivery waits in the outbox (pending, attempts counted), to go out once the gateway runs with the right
 * settings. Settings the start cannot work with stop it with exit 2, naming the key.
 */
class KafkaClientSecurityIT {
    private static final String TOPIC = "incident-events-security-it";
    private static final String SOURCE_TOPIC = "incident-commands-security-it";
    // A ';' and an '=' inside the password: the JAAS line the gateway builds must quote it.
    private static final String PASSWORD = "gw-s3cret;=x";

    @Test
    void theTargetLogsInWithSaslPlainAndAWrongPasswordDeliversNothing(@TempDir Path dir) throws Exception {
        GatewayProcess jar = locate();
        try (KafkaBroker kafka = KafkaBroker.startSaslPlain(dir, Map.of("gateway", PASSWORD))) {
            Map<String, String> env = env(kafka);
            env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
            env.put("KAFKA_SASL_MECHANISM", "PLAIN");
            env.put("KAFKA_SASL_USERNAME", "gateway");
            refusedAtStart(jar, dir, env);
            env.put("KAFKA_SASL_PASSWORD", "wrong-" + PASSWORD);
            deliveredOnlyWith(jar, dir, kafka, env, Map.of("KAFKA_SASL_PASSWORD", PASSWORD));
        }
    }

    @Test
    void theTargetTrustsTheBrokersPrivateCaFromTheCaFileOnly(@TempDir Path dir) throws Exception {
        GatewayProcess jar = locate();
        SelfSignedCertificate ca = SelfSignedCertificate.create(Files.createDirectory(dir.resolve("tls")));
        try (KafkaBroker kafka = KafkaBroker.startSsl(dir, ca)) {
            Map<String, String> env = env(kafka);
            env.put("KAFKA_SECURITY_PROTOCOL", "SSL"); // without a CA file: the JVM's trust store, which does not know it
            deliveredOnlyWith(jar, dir, kafka, env, Map.of("KAFKA_SSL_CA_FILE", ca.certFile().toString()));
        }
    }

    private static GatewayProcess locate() {
        return GatewayProcess.locate("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "KAFKA_SOURCE_TOPIC", "KAFKA_SOURCE_GROUP",
                "KAFKA_SOURCE_DLQ_TOPIC", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
                "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CA_FILE");
    }

    private static Map<String, String> env(KafkaBroker kafka) throws Exception {
        kafka.createTopic(TOPIC, 1);
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_OUTBOX_BACKOFF_MS", "500");
        env.put("GATEWAY_OUTBOX_POLL_MS", "100");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_TOPIC", TOPIC);
        return env;
    }

    /**
     * Runs the gateway with {@code env}, whose Kafka settings the broker refuses: the first incident's event waits in the
     * outbox and never reaches the topic. Then with {@code fix} on top: the waiting event and a second one arrive.
     */
    private static void deliveredOnlyWith(GatewayProcess jar, Path dir, KafkaBroker kafka, Map<String, String> env,
                                          Map<String, String> fix) throws Exception {
        String key = jar.createApiKey(dir, env, "kafka-security-it", "read,write");
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(TOPIC));
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            GatewayProcess.Launched gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                declare(http, "KSE-1");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(http.get("/api/v1/outbox?connector=kafka&status=pending&limit=10").json().path("items"))
                                .as("the kafka delivery, refused by the broker, waits in the outbox").singleElement()
                                .satisfies(row -> {
                                    assertThat(row.path("attempts").asInt()).isGreaterThan(1);
                                    assertThat(row.path("lastError").asText()).as(row.toString()).isNotBlank();
                                    System.out.println("KafkaClientSecurityIT: refused delivery " + row);
                                }));
                assertThat(poll(consumer, Duration.ofSeconds(3))).as("nothing published").isEmpty();
                assertThat(http.get("/api/v1/outbox?connector=kafka&status=delivered&limit=10").json().path("items")).isEmpty();
            } finally {
                GatewayProcess.stop(gateway.process());
            }
            assertThat(Files.readString(gateway.log())).as("the password is never logged").doesNotContain(PASSWORD);

            env.putAll(fix);
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            kafka.createTopic(SOURCE_TOPIC, 1);
            env.put("KAFKA_SOURCE_TOPIC", SOURCE_TOPIC); // the source's consumer takes the same settings
            gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                declare(http, "KSE-2");
                List<String> incidents = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                    poll(consumer, Duration.ofMillis(300)).forEach(r -> incidents.add(r.key())); // the record key: the incident id
                    assertThat(incidents).containsExactlyInAnyOrder("KSE-1", "KSE-2"); // two incidents: no order between them
                });
                // The source reads with the same login / trust: a CloudEvent from the topic reaches the timeline.
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                        new StringSerializer())) {
                    producer.send(new ProducerRecord<>(SOURCE_TOPIC, "KSE-2", KafkaCloudEventsSourceIT.ce("kse-2-ack", "ack",
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
    }

    /** A SASL protocol without a password, and an unreadable CA file: exit 2 before anything starts, naming the key. */
    private static void refusedAtStart(GatewayProcess jar, Path dir, Map<String, String> env) throws Exception {
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

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, Duration time) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /** Logs in as the broker's admin user: the test reads what the gateway published with a login of its own. */
    private static KafkaConsumer<String, String> consumer(KafkaBroker kafka) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-it");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
