package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped YAML-only Kafka source (routes/inbound/kafka-cloudevents.camel.yaml) in the real jar against a real
 * Kafka broker: CloudEvents produced to the topic reach the timeline once each, a bad record is dead-lettered
 * without stopping the route, and the group's offsets are committed (auto-commit is off: only the route commits).
 */
class KafkaCloudEventsSourceIT {
    private static final String TOPIC = "alerts-in";
    private static final String DLQ = "alerts-dlq";
    private static final String GROUP = "gateway-it";

    @Test
    void cloudEventsFromATopicReachTheTimelineOnceEachAndABadRecordIsDeadLettered(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "KAFKA_SOURCE_TOPIC",
                "KAFKA_SOURCE_GROUP", "KAFKA_SOURCE_DLQ_TOPIC");
        try (KafkaBroker kafka = KafkaBroker.start(dir)) {
            kafka.createTopic(TOPIC, 3);
            kafka.createTopic(DLQ, 1);
            // Published before the gateway starts: a new group reads from the oldest record.
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                send(producer, "KS-1", ce("ks-1-declare", "declare", "KS-1", "{\"title\":\"Queue backlog\",\"severity\":\"sev2\"}"));
                send(producer, "KS-1", "this is not a CloudEvent");
                send(producer, "KS-1", ce("ks-1-ack", "ack", "KS-1", "{}"));
                send(producer, "KS-1", ce("ks-1-declare", "declare", "KS-1", "{\"title\":\"Queue backlog\",\"severity\":\"sev2\"}"));
                send(producer, "KS-2", ce("ks-2-ack", "ack", "KS-2", "{}")); // refused: no such incident
                send(producer, "KS-3", ce("ks-3-declare", "declare", "KS-3", "{\"title\":\"Disk full\"}"));
                // Alerts by key (no subject): the second declare is absorbed by the open incident, the resolve closes it.
                String lag = "{\"title\":\"Consumer lag\",\"correlationKey\":\"kafka-it:lag\"}";
                send(producer, "lag", ce("ks-lag-1", "declare", null, lag));
                send(producer, "lag", ce("ks-lag-2", "declare", null, lag));
                send(producer, "lag", ce("ks-lag-3", "resolve", null, "{\"correlationKey\":\"kafka-it:lag\"}"));
            }

            Map<String, String> env = new HashMap<>();
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("KAFKA_SOURCE_TOPIC", TOPIC);
            env.put("KAFKA_SOURCE_GROUP", GROUP);
            env.put("KAFKA_SOURCE_DLQ_TOPIC", DLQ);
            env.put("KAFKA_TOPIC", ""); // a source-only setup: the Kafka target is off
            String key = jar.createApiKey(dir, env, "kafka-source-it", "read");
            GatewayProcess.Launched gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    assertThat(eventIds(http, "KS-1")).containsExactly("ks-1-declare", "ks-1-ack");
                    assertThat(eventIds(http, "KS-3")).containsExactly("ks-3-declare");
                });
                // A second copy of a record (a redelivery after a crash looks the same) was absorbed by its CloudEvent id.
                JsonNode events = http.get("/api/v1/incidents/KS-1/timeline").json().path("events");
                assertThat(events).hasSize(2);
                events.forEach(e -> assertThat(e.path("principal").asText()).isEqualTo("system:kafka"));
                assertThat(http.get("/api/v1/incidents/KS-2").status()).isEqualTo(404);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    JsonNode lag = null;
                    for (JsonNode i : http.get("/api/v1/incidents?limit=100").json().path("incidents")) {
                        lag = "Consumer lag".equals(i.path("title").asText()) ? i : lag;
                    }
                    assertThat(lag).as("the alert's incident").isNotNull();
                    assertThat(lag.path("alertRepeats").asInt()).as("the repeat counted once").isEqualTo(1);
                    assertThat(lag.path("status").asText()).as("the records after the repeat were read").isEqualTo("resolved");
                });

                // The two refused records are in the dead-letter topic, unchanged, keyed as before, with the reason.
                List<ConsumerRecord<String, String>> dead = readAll(kafka, DLQ, 2);
                // (KS-1 and KS-2 are on different partitions of the source topic: their order there is not defined.)
                Map<String, ConsumerRecord<String, String>> byKey = dead.stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
                assertThat(dead).hasSize(2);
                assertThat(byKey).containsOnlyKeys("KS-1", "KS-2");
                assertThat(byKey.get("KS-1").value()).isEqualTo("this is not a CloudEvent");
                assertThat(byKey.get("KS-2").value()).contains("\"ks-2-ack\"");
                assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader("x-gateway-error")).isNotNull());
                assertThat(new String(byKey.get("KS-2").headers().lastHeader("x-gateway-error").value(), StandardCharsets.UTF_8))
                        .containsIgnoringCase("KS-2");
                assertThat(new String(byKey.get("KS-1").headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                        .isEqualTo("application/cloudevents+json");

                // Every record was committed by the route (auto-commit is off): the group is at the end of each partition.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committed(kafka)).isEqualTo(endOffsets(kafka)));
            } finally {
                GatewayProcess.stop(gateway.process());
            }
        }
    }

    /** @param incident the subject, or {@code null} for an event addressed by its data.correlationKey */
    static String ce(String id, String type, String incident, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:kafka-it\",\"type\":\"dev.incidentgateway.incident."
                + type + "\"," + (incident == null ? "" : "\"subject\":\"" + incident + "\",")
                + "\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    private static List<String> eventIds(HttpApi http, String incident) {
        HttpApi.Response r = http.get("/api/v1/incidents/" + incident + "/timeline");
        List<String> ids = new ArrayList<>();
        if (r.status() == 200) {
            r.json().path("events").forEach(e -> ids.add(e.path("ceId").asText(e.path("id").asText())));
        }
        return ids;
    }

    private static KafkaProducer<String, String> producer(KafkaBroker kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, key, value);
        record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /** Reads {@code topic} from the start until {@code count} records came (or 30 s passed). */
    static List<ConsumerRecord<String, String>> readAll(KafkaBroker kafka, String topic, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // Anything more arriving right after would be a duplicate: give it one more poll.
            consumer.poll(Duration.ofMillis(1000)).forEach(out::add);
        }
        return out;
    }

    private static Map<TopicPartition, Long> committed(KafkaBroker kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(TOPIC))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> ((OffsetAndMetadata) e.getValue()).offset()));
        }
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaBroker kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getValue().offset() > 0) // a partition no record went to has no committed offset
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }
}
