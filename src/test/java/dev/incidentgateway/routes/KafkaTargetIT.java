package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.incidentgateway.testsupport.HttpApi.JSON;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped YAML-only Kafka target (routes/outbound/kafka.camel.yaml) in the real jar against a real Kafka broker:
 * every committed event arrives once (by CloudEvent id), as a structured CloudEvent keyed by its incident, each
 * incident in one partition and in order; a broker outage (broker stopped, events appended, broker started) only
 * delays them: nothing lost, nothing twice, nothing dead.
 */
class KafkaTargetIT {
    private static final String TOPIC = "incident-events-it";
    private static final List<String> AFTER_DECLARE = List.of("ack", "note", "mitigate", "resolve");

    @Test
    void everyCommittedEventArrivesOnceInIncidentOrderAndAnOutageOnlyDelaysThem(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "KAFKA_SOURCE_TOPIC",
                "KAFKA_SOURCE_GROUP", "KAFKA_SOURCE_DLQ_TOPIC");
        try (KafkaBroker kafka = KafkaBroker.start(dir)) {
            kafka.createTopic(TOPIC, 3);
            Map<String, String> env = new HashMap<>();
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "200");
            env.put("GATEWAY_OUTBOX_POLL_MS", "100");
            // The producer's timeouts follow the delivery deadline (config/KafkaProducerTimeouts): a send to the stopped
            // broker fails after 10 s instead of the default 30 s, and the outbox's retry of it finds no copy still queued
            // in the producer (with the producer's former fixed 30 s the outage below left some: duplicate records).
            // Not lower: a delivery timeout shorter than the broker's restart here (4-5 s) can expire a record the
            // restarting broker still writes (with 10000, one copy in three runs).
            env.put("GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", "20000");
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("KAFKA_TOPIC", TOPIC);
            String key = jar.createApiKey(dir, env, "kafka-target-it", "read,write");
            GatewayProcess.Launched gateway = jar.start(dir, env);
            Map<String, ConsumerRecord<String, String>> received = new LinkedHashMap<>();
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                consumer.subscribe(List.of(TOPIC));

                List<String> before = incidents(http, "KTA", 6);
                awaitAll(consumer, http, before, received, all);

                // Outage: the broker goes dark, events are committed meanwhile, then the broker comes back.
                kafka.stop();
                List<String> during = incidents(http, "KTB", 4);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(http.get("/api/v1/outbox?connector=kafka&status=pending&limit=100").json().path("items"))
                                .as("kafka deliveries waiting for the broker").isNotEmpty()
                                .anySatisfy(row -> assertThat(row.path("attempts").asInt()).isGreaterThan(0)));
                kafka.start();
                awaitAll(consumer, http, during, received, all);

                // Nothing twice: one record per CloudEvent id, even after the outage's failed attempts.
                assertThat(all).hasSize(received.size());
                assertThat(http.get("/api/v1/outbox?connector=kafka&status=dead&limit=10").json().path("items")).isEmpty();
                List<String> incidents = new ArrayList<>(before);
                incidents.addAll(during);
                for (String incident : incidents) {
                    List<ConsumerRecord<String, String>> records = all.stream().filter(r -> incident.equals(r.key())).toList();
                    // One partition per incident, and its events in their order (incidentseq 1 to 5).
                    assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet())).as(incident).hasSize(1);
                    assertThat(records.stream().map(r -> value(r).path("incidentseq").asInt()).toList()).as(incident)
                            .containsExactly(1, 2, 3, 4, 5);
                    assertThat(records.stream().map(r -> value(r).path("type").asText()).toList()).as(incident).containsExactly(
                            "dev.incidentgateway.incident.declare", "dev.incidentgateway.incident.ack",
                            "dev.incidentgateway.incident.note", "dev.incidentgateway.incident.mitigate", "dev.incidentgateway.incident.resolve");
                }
                ConsumerRecord<String, String> first = all.get(0);
                assertThat(new String(first.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                        .startsWith("application/cloudevents+json");
                assertThat(value(first).path("specversion").asText()).isEqualTo("1.0");
                assertThat(value(first).path("subject").asText()).isEqualTo(first.key());
                assertThat(first.headers().headers("TimelineIncidentTitle")).as("gateway headers stay inside").isEmpty();
            } finally {
                GatewayProcess.stop(gateway.process());
            }
        }
    }

    /** {@code n} incidents named {@code prefix-i}, each declared, acknowledged, noted, mitigated and resolved. */
    private static List<String> incidents(HttpApi http, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            ids.add(id);
            HttpApi.Response declared = http.postJson("/api/v1/incidents", obj("id", id, "title", "Kafka " + id, "actor", "a", "severity", "sev2"));
            assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
            for (String type : AFTER_DECLARE) {
                HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "a", "content", type + " by a"));
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
            }
        }
        return ids;
    }

    /** Polls until every event of {@code incidents} (by id, from the timeline API) was received. */
    private static void awaitAll(KafkaConsumer<String, String> consumer, HttpApi http, List<String> incidents,
                                 Map<String, ConsumerRecord<String, String>> received, List<ConsumerRecord<String, String>> all) {
        Set<String> expected = incidents.stream().flatMap(id -> {
            List<String> ids = new ArrayList<>();
            http.get("/api/v1/incidents/" + id + "/timeline").json().path("events").forEach(e -> ids.add(e.path("id").asText()));
            return ids.stream();
        }).collect(Collectors.toSet());
        assertThat(expected).hasSize(incidents.size() * (1 + AFTER_DECLARE.size()));
        await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                all.add(r);
                received.put(value(r).path("id").asText(), r);
            }
            assertThat(received.keySet()).containsAll(expected);
        });
    }

    private static JsonNode value(ConsumerRecord<String, String> r) {
        try {
            return JSON.readTree(r.value());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.value(), e);
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker kafka) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "target-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    }
}
