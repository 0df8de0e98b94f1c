package dev.incidentgateway.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.TimelineEvent;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What {@code timeline:append} leaves in the body of one event (the stored {@link TimelineEvent}, or the
 * {@link AppendOutcome} when nothing was stored) as JSON, for whatever writes the body next: a {@code platform-http}
 * route answers its caller with it (it asks for an {@code InputStream}), a {@code log} or {@code kafka} step for a
 * {@code String} or {@code byte[]}. The event is the API's timeline JSON; an outcome is
 * {@code {"outcome":"correlated|ignored|…","incidentId":…}}, plus {@code "event"} when the outcome has one (a correlated
 * declare's escalation).
 */
final class TimelineReplyConverter extends TypeConverterSupport {
    private final ObjectMapper json;

    private TimelineReplyConverter(ObjectMapper json) {
        this.json = json;
    }

    static void register(TypeConverterRegistry registry, ObjectMapper json) {
        TimelineReplyConverter converter = new TimelineReplyConverter(json);
        for (Class<?> from : new Class<?>[] {TimelineEvent.class, AppendOutcome.class}) {
            registry.addTypeConverter(byte[].class, from, converter);
            registry.addTypeConverter(String.class, from, converter);
            registry.addTypeConverter(InputStream.class, from, converter);
        }
    }

    @Override
    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value instanceof AppendOutcome o ? outcome(o) : value);
        } catch (JsonProcessingException e) {
            throw new TypeConversionException(value, type, e);
        }
        if (type == byte[].class) {
            return type.cast(bytes);
        }
        if (type == String.class) {
            return type.cast(new String(bytes, StandardCharsets.UTF_8));
        }
        return type == InputStream.class ? type.cast(new ByteArrayInputStream(bytes)) : null;
    }

    private ObjectNode outcome(AppendOutcome o) {
        ObjectNode node = json.createObjectNode().put("outcome", o.kind().name().toLowerCase(Locale.ROOT)).put("incidentId", o.incidentId());
        if (o.event() != null) {
            node.set("event", json.valueToTree(o.event()));
        }
        return node;
    }
}
