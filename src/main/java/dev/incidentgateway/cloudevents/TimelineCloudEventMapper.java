package dev.incidentgateway.cloudevents;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.timeline.TimelineEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Renders stored timeline events as CloudEvents v1.0 with the io.cloudevents SDK:
 * {@code id} = the event's ULID, {@code type} = {@code <prefix>.incident.<eventType>},
 * {@code subject} = incident id, extensions {@code incidentseq}, {@code actor} and {@code principal}.
 * <p>
 * {@link #toCloudEvent} builds the SDK's object; {@link #serialize} and {@link #serializeBatch} (the Since feed, the
 * {@code timeline:events} and outbox route bodies) write the same JSON, byte for byte, with one Jackson generator
 * straight from the stored event: building an SDK event, serializing its data to bytes and copying them into the
 * SDK's output cost ≈ 9 µs an event, most of a 100-event feed page (bench/README.md, Scale).
 * TimelineCloudEventMapperTest compares both forms.
 */
public final class TimelineCloudEventMapper {
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";

    private final String typePrefix;
    private final ObjectMapper json;

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

    /** One event in structured-mode JSON ({@code application/cloudevents+json}): what the SDK writes for {@link #toCloudEvent}. */
    public byte[] serialize(TimelineEvent e) {
        return write(List.of(e), false);
    }

    /** A batch-mode body ({@code application/cloudevents-batch+json}): a JSON array of structured events. */
    public byte[] serializeBatch(List<TimelineEvent> events) {
        return write(events, true);
    }

    private byte[] write(List<TimelineEvent> events, boolean array) {
        return render(512 * Math.max(1, events.size()), g -> {
            if (array) {
                g.writeStartArray();
            }
            for (TimelineEvent e : events) {
                writeStructured(g, e);
            }
            if (array) {
                g.writeEndArray();
            }
        });
    }

    private interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    /** What {@code writing} writes with one generator, as bytes. */
    private byte[] render(int sizeHint, Writing writing) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            writing.write(g);
        } catch (IOException ex) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", ex);
        }
        return out.toByteArray();
    }

    /**
     * The SDK's structured form of {@link #toCloudEvent}: specversion, the context attributes in the order
     * CloudEventV1 reads them, the extensions in the order of the SDK's extension map, then data (written by the SDK as
     * the raw bytes of {@link #dataOf}).
     */
    private void writeStructured(JsonGenerator g, TimelineEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("specversion", "1.0");
        g.writeStringField("id", e.id());
        g.writeStringField("source", e.source()); // what URI.create(source).toString() gives back
        g.writeStringField("type", typeOf(e));
        g.writeStringField("datacontenttype", "application/json");
        g.writeStringField("subject", e.incidentId());
        g.writeStringField("time", isoOffsetUtc(e.eventTime()));
        // The SDK's extension map (a HashMap) yields these three names in this order; it refuses a null value, and
        // stored events always have an actor and a principal (both NOT NULL), so a null is left out here.
        if (e.actor() != null) {
            g.writeStringField("actor", e.actor());
        }
        if (e.principal() != null) {
            g.writeStringField("principal", e.principal());
        }
        g.writeNumberField("incidentseq", Math.toIntExact(e.seq()));
        g.writeFieldName("data");
        writeData(g, e);
        g.writeEndObject();
    }

    /**
     * {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME} of the instant at UTC (what the SDK writes: seconds always, the
     * fraction without trailing zeros, {@code Z}), without the formatter's generic machinery for the years 0-9999.
     * {@code LocalDateTime.ofEpochSecond}, not {@code Instant.atOffset}: the latter builds new {@code ZoneRules} (with
     * a map) for every call, and every digit goes straight into the builder (no string per field): a Since page renders
     * 100 of these.
     */
    static String isoOffsetUtc(Instant t) {
        LocalDateTime o = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        if (o.getYear() < 0 || o.getYear() > 9999) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
        }
        StringBuilder b = new StringBuilder(32);
        pad(b, o.getYear(), 4).append('-');
        pad(b, o.getMonthValue(), 2).append('-');
        pad(b, o.getDayOfMonth(), 2).append('T');
        pad(b, o.getHour(), 2).append(':');
        pad(b, o.getMinute(), 2).append(':');
        pad(b, o.getSecond(), 2);
        int nano = o.getNano();
        if (nano > 0) {
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            pad(b.append('.'), nano, digits);
        }
        return b.append('Z').toString();
    }

    /** {@code value} (0 ≤ value < 10^width) in {@code width} decimal digits, leading zeros included. */
    private static StringBuilder pad(StringBuilder b, int value, int width) {
        for (int unit = pow10(width - 1); unit > 0; unit /= 10) {
            b.append((char) ('0' + value / unit % 10));
        }
        return b;
    }

    private static int pow10(int exponent) {
        int p = 1;
        for (int i = 0; i < exponent; i++) {
            p *= 10;
        }
        return p;
    }

    /** The event's data object: its stored fields, the stored {@code data} object nested as {@code data}. */
    private void writeData(JsonGenerator g, TimelineEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("incidentId", e.incidentId());
        g.writeNumberField("seq", e.seq());
        g.writeStringField("type", e.type().wireName());
        g.writeStringField("actor", e.actor());
        g.writeStringField("title", e.title());
        g.writeStringField("content", e.content());
        g.writeStringField("source", e.source());
        g.writeStringField("principal", e.principal());
        g.writeStringField("recordedAt", e.recordedAt().toString());
        g.writeFieldName("data");
        if (e.data() == null) {
            g.writeNull();
        } else if (e.data().isEmpty()) {
            g.writeStartObject(); // what writeTree writes for it, without a serializer provider per event
            g.writeEndObject();
        } else {
            json.writeTree(g, e.data());
        }
        g.writeStringField("hash", e.hash());
        g.writeEndObject();
    }

    private byte[] dataOf(TimelineEvent e) {
        return render(512, g -> writeData(g, e));
    }
}
