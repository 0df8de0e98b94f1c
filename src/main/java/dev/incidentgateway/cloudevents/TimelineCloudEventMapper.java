package dev.incidentgateway.cloudevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.TimelineEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Renders stored timeline events as CloudEvents v1.0 with the io.cloudevents SDK:
 * {@code id} = the event's ULID, {@code type} = {@code <prefix>.incident.<eventType>},
 * {@code subject} = incident id, extensions {@code incidentseq} and {@code actor}.
 */
public final class TimelineCloudEventMapper {
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";

    private final String typePrefix;
    private final ObjectMapper json;
    private final EventFormat format = new JsonFormat();

    public TimelineCloudEventMapper(String typePrefix, ObjectMapper json) {
        this.typePrefix = typePrefix;
        this.json = json;
    }

    public String typeOf(TimelineEvent e) {
        return typePrefix + ".incident." + e.type().wireName();
    }

    public CloudEvent toCloudEvent(TimelineEvent e) {
        return CloudEventBuilder.v1()
                .withId(e.id())
                .withSource(URI.create(e.source()))
                .withType(typeOf(e))
                .withSubject(e.incidentId())
                .withTime(e.eventTime().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(dataOf(e))
                .withExtension("incidentseq", Math.toIntExact(e.seq()))
                .withExtension("actor", e.actor())
                .withExtension("principal", e.principal())
                .build();
    }

    /** One event in structured-mode JSON ({@code application/cloudevents+json}). */
    public byte[] serialize(TimelineEvent e) {
        return format.serialize(toCloudEvent(e));
    }

    /** A batch-mode body ({@code application/cloudevents-batch+json}): a JSON array of structured events. */
    public byte[] serializeBatch(List<TimelineEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(serialize(events.get(i)));
        }
        out.write(']');
        return out.toByteArray();
    }

    private byte[] dataOf(TimelineEvent e) {
        ObjectNode data = json.createObjectNode();
        data.put("incidentId", e.incidentId());
        data.put("seq", e.seq());
        data.put("type", e.type().wireName());
        data.put("actor", e.actor());
        data.put("title", e.title());
        data.put("content", e.content());
        data.put("source", e.source());
        data.put("principal", e.principal());
        data.put("recordedAt", e.recordedAt().toString());
        data.set("data", e.data());
        data.put("hash", e.hash());
        try {
            return json.writeValueAsBytes(data);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("JSON tree cannot fail to serialize", ex);
        }
    }
}
