package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which {@code datacontenttype} makes a structured CloudEvent's {@code data} JSON, as the JSON event format says (section
 * 3.1: {@code application/json} or any media type with the {@code +json} structured suffix, RFC 6839; media types are
 * case-insensitive, RFC 9110 8.3.1), where the SDK (cloudevents-json-jackson 4.0.1, {@code JsonFormat}) matches
 * {@code ^(application|text)/([a-zA-Z]+\+)?json(;.*)*$}: case-sensitive, and no subtype with a dot or a dash, so
 * {@code application/vnd.api+json} or {@code application/problem+json} with an object {@code data} was refused with the
 * SDK's message. Such an event is handed to the SDK as {@code application/json} and gets its own type back after.
 */
final class JsonDataContentType {
    private static final String ATTRIBUTE = "datacontenttype";
    /** The SDK's own test (see above), to leave alone what it reads right. */
    private static final Pattern SDK_JSON = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");

    private JsonDataContentType() {
    }

    /** Whether a {@code datacontenttype} says JSON (by the format spec). */
    static boolean isJson(String contentType) {
        String essence = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return essence.equals("application/json") || essence.equals("text/json")
                || essence.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+\\+json");
    }

    /** The event's JSON {@code datacontenttype} when the SDK would not read it as JSON, else {@code null}. */
    static String misreadBySdk(JsonNode event) {
        JsonNode type = event.get(ATTRIBUTE);
        if (type == null || !type.isTextual() || SDK_JSON.matcher(type.asText()).matches() || !isJson(type.asText())) {
            return null;
        }
        return type.asText();
    }

    /** A copy of {@code event} that says {@code application/json}, for the SDK to read. */
    static ObjectNode forSdk(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.put(ATTRIBUTE, "application/json");
        return copy;
    }

    /** The event the SDK read, with the {@code datacontenttype} it was sent with. */
    static CloudEvent restored(CloudEvent read, String sent) {
        return sent == null ? read : CloudEventBuilder.v1(read).withDataContentType(sent).build();
    }
}
