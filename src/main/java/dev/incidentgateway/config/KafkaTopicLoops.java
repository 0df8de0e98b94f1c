package dev.incidentgateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.incidentgateway.config.KafkaSettings.KAFKA_BOOTSTRAP_SERVERS;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SOURCE_DLQ_TOPIC;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_SOURCE_TOPIC;
import static dev.incidentgateway.config.KafkaSettings.KAFKA_TOPIC;

/**
 * Kafka topic settings that make the shipped routes feed themselves. The source appends every record of its topic, and
 * an append is an event the target publishes: with one topic for both, each note came back as a new note (the source's
 * principal, {@code system:kafka}, is not the original's, so the idempotency id did not match), fifty a second without
 * end, each sent on to every other target too. A dead-letter topic that is the source topic does the same with every
 * refused record. Both stop the start (and {@code config}) instead.
 */
final class KafkaTopicLoops {
    private KafkaTopicLoops() {
    }

    static List<String> problems(Function<ConfigKey<?>, String> value) {
        List<String> problems = new ArrayList<>();
        String source = value.apply(KAFKA_SOURCE_TOPIC).strip();
        if (value.apply(KAFKA_BOOTSTRAP_SERVERS).isBlank() || source.isEmpty()) {
            return problems; // the source route is off
        }
        if (source.equals(value.apply(KAFKA_TOPIC).strip())) {
            problems.add(KAFKA_SOURCE_TOPIC.problem("is " + KAFKA_TOPIC.env() + " too ('" + source + "'): the source would"
                    + " append every event the target publishes there as a new event, which the target publishes again, without"
                    + " end; give the source another topic, or set " + KAFKA_TOPIC.env() + "= (empty) to turn the target off"));
        }
        if (source.equals(value.apply(KAFKA_SOURCE_DLQ_TOPIC).strip())) {
            problems.add(KAFKA_SOURCE_DLQ_TOPIC.problem("is " + KAFKA_SOURCE_TOPIC.env() + " too ('" + source + "'): every"
                    + " record the source refuses would come back to it, without end; give the dead letters another topic"));
        }
        return problems;
    }
}
