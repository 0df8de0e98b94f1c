package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.timeline.EventLimits;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CloudEvents HTTP protocol binding, read with the io.cloudevents SDK: binary mode ({@code ce-*}
 * headers), structured mode ({@code application/cloudevents+json}) and batch mode
 * ({@code application/cloudevents-batch+json}, one all-or-nothing request). {@code type} must end in
 * {@code .incident.<eventType>}, {@code subject} is the incident id, {@code data} holds the fields of the
 * REST API. The event's own source and id become (ceSource, ceId), so a redelivery is a no-op.
 */
public final class CloudEventsWebhookMapper implements WebhookMapper {
    public static final String BATCH = "application/cloudevents-batch+json";
    private static final String STRUCTURED = JsonFormat.CONTENT_TYPE;

    private final ObjectMapper json;
    private final EventFormat format = EventFormatProvider.getInstance().resolveFormat(STRUCTURED);

    public CloudEventsWebhookMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public List<NewEvent> map(WebhookRequest request) {
        if (request.mediaType().equals(BATCH)) {
            return batch(request.body());
        }
        if (!request.mediaType().equals(STRUCTURED) && request.header("ce-specversion") == null) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                    "Send a CloudEvent: binary mode (ce-* headers), " + STRUCTURED + " or " + BATCH + ".", "Content-Type", Map.of());
        }
        if (request.mediaType().equals(STRUCTURED)) {
            JsonNode event = tree(request.body(), "the body");
            CloudEventAttributes.checkStructured(event, "");
            // The body in the format itself, as a batch's items: the SDK's HTTP reader matches the Content-Type as
            // written, so a valid event sent as APPLICATION/CLOUDEVENTS+JSON or "application/cloudevents+json ;
            // charset=utf-8" (media types are case-insensitive, RFC 9110 8.3.1) was refused as "Unknown encoding".
            return List.of(toEvent(structured((ObjectNode) event, request.body(), "body"), ""));
        }
        CloudEventAttributes.checkBinary(request);
        return List.of(toEvent(sdkRead(() -> HttpMessageFactory.createReader(request.headers(), request.body()).toEvent(), "body"), ""));
    }

    /** CloudEvents name the incident and the event type themselves: a batch is refused whole (409 naming the item). */
    @Override
    public dev.incidentgateway.timeline.AppendMode appendMode() {
        return dev.incidentgateway.timeline.AppendMode.ALL_OR_NOTHING;
    }

    /**
     * A batch's events are its items, in order: a refusal names the item as validation does ({@code [1].type}). The
     * incident is a CloudEvent's {@code subject} (its {@code id} is the event's own), so a declare of a taken incident
     * names {@code subject} where the REST API says {@code id}.
     */
    @Override
    public String itemField(WebhookRequest request, int index, String field) {
        String attribute = field.equals("id") ? "subject" : field;
        return request.mediaType().equals(BATCH) ? "[" + index + "]." + attribute : attribute;
    }

    /**
     * An empty batch is valid (JSON batch format) and stores nothing; each item is checked and named by its
     * index, and any item refused refuses the whole batch.
     */
    private List<NewEvent> batch(byte[] body) {
        JsonNode array = tree(body, "the batch");
        if (!array.isArray()) {
            throw ApiProblem.invalidField("body", "a batch must be a JSON array of CloudEvents");
        }
        List<NewEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = "[" + i + "].";
            JsonNode item = array.get(i);
            CloudEventAttributes.checkStructured(item, at);
            events.add(toEvent(structured((ObjectNode) item, null, "[" + i + "]"), at));
        }
        return events;
    }

    private JsonNode tree(byte[] body, String what) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (IOException e) {
            throw ApiProblem.malformedJson(what, e);
        }
        throw ApiProblem.malformedJson(what + " is empty");
    }

    private interface SdkRead {
        CloudEvent read() throws IOException;
    }

    /**
     * The SDK signals unreadable input with several unchecked exceptions (CloudEventRWException,
     * EventDeserializationException, IllegalArgumentException, DateTimeException...); the attributes were
     * checked first, so what is left is the sender's, named by {@code field}.
     */
    private static CloudEvent sdkRead(SdkRead read, String field) {
        try {
            return read.read();
        } catch (IOException | RuntimeException e) {
            throw ApiProblem.invalidField(field, "not a valid CloudEvent: " + e.getMessage());
        }
    }

    /**
     * One event for {@code timeline:append}: an SDK {@link CloudEvent}, or a structured CloudEvent's JSON; a non-null
     * {@code correlationKey} is the route's (its header) and stands for {@code data.correlationKey}, so a route can
     * address an incident by key without rebuilding the event.
     */
    public NewEvent one(Object event, String correlationKey) {
        if (event instanceof CloudEvent ce) {
            return toEvent(ce, "", correlationKey);
        }
        byte[] body = (byte[]) event;
        JsonNode tree = tree(body, "the body");
        CloudEventAttributes.checkStructured(tree, "");
        return toEvent(structured((ObjectNode) tree, body, "body"), "", correlationKey);
    }

    /**
     * A structured event read by the SDK's JSON format: {@code body} as sent (or, when {@code null}, the checked tree),
     * unless its {@code datacontenttype} is one the SDK mistakes for not JSON ({@link JsonDataContentType}).
     */
    private CloudEvent structured(ObjectNode event, byte[] body, String field) {
        String sent = JsonDataContentType.misreadBySdk(event);
        if (sent == null) {
            return sdkRead(() -> format.deserialize(body != null ? body : json.writeValueAsBytes(event)), field);
        }
        ObjectNode readable = JsonDataContentType.forSdk(event);
        return JsonDataContentType.restored(sdkRead(() -> format.deserialize(json.writeValueAsBytes(readable)), field), sent);
    }

    private NewEvent toEvent(CloudEvent ce, String at) {
        return toEvent(ce, at, null);
    }

    private NewEvent toEvent(CloudEvent ce, String at, String keyOfRoute) {
        EventType type = incidentType(ce.getType(), at);
        ObjectNode data = data(ce, at);
        String subject = ce.getSubject();
        if (subject != null && !IncidentRequestParser.INCIDENT_ID.matcher(subject).matches()) {
            throw ApiProblem.invalidField(at + "subject", "subject must be an incident id like INC-42, got '" + subject + "'");
        }
        String correlationKey = keyOfRoute != null ? keyOfRoute : optionalText(data, "correlationKey", at);
        if (subject == null && correlationKey == null && type != EventType.DECLARE) {
            throw ApiProblem.invalidField(at + "subject", "subject (the incident id) is required for " + type.wireName());
        }
        Object actorExtension = ce.getExtension("actor");
        String actor = optionalText(data, "actor", at);
        String severity = optionalText(data, "severity", at);
        JsonNode inner = data.get("data");
        if (inner != null && !inner.isNull() && !inner.isObject()) {
            throw ApiProblem.invalidField(at + "data.data", "data.data must be a JSON object");
        }
        String actorField = actor != null ? "data.actor" : actorExtension != null ? "actor" : "source";
        NewEvent event = NewEvent.builder(type, actor != null ? actor : actorExtension != null ? actorExtension.toString() : ce.getSource().toString())
                .incident(subject)
                .title(optionalText(data, "title", at))
                .content(optionalText(data, "content", at))
                .severity(severity == null ? null : Severity.fromWire(severity).orElseThrow(() ->
                        ApiProblem.invalidField(at + "data.severity", "severity must be one of sev1, sev2, sev3, sev4")))
                .data(inner instanceof ObjectNode o ? o : null)
                .expectedSeq(IncidentRequestParser.expectedSeq(data.get("expectedSeq"), at + "data.expectedSeq"))
                .correlationKey(correlationKey)
                .eventTime(ce.getTime() == null ? null : ce.getTime().toInstant())
                .source(ce.getSource().toString())
                .ceSource(ce.getSource().toString())
                .ceId(ce.getId())
                .ceType(ce.getType())
                .build();
        EventLimits.checkAsSent(event, field -> at + attribute(field, actorField));
        return event;
    }

    /** Where a CloudEvent carries an event field: its attributes, or {@code data} (which holds the REST fields). */
    private static String attribute(String eventField, String actorField) {
        return switch (eventField) {
            case "ceId" -> "id";
            case "ceSource", "source" -> "source";
            case "ceType" -> "type";
            case "incidentId" -> "subject";
            case "eventTime" -> "time";
            case "actor" -> actorField;
            case "title", "content", "correlationKey" -> "data." + eventField;
            default -> eventField.equals("data") || eventField.startsWith("data.") || eventField.startsWith("data[")
                    ? "data." + eventField : eventField;
        };
    }

    /** 422 when the type is well-formed CloudEvents but not one of ours. */
    private static EventType incidentType(String ceType, String at) {
        int marker = ceType.lastIndexOf(".incident.");
        String name = marker < 0 ? null : ceType.substring(marker + ".incident.".length());
        return EventType.fromWire(name == null ? "" : name).orElseThrow(() -> new ApiProblem(422, "not-an-incident-event",
                "Not an incident event", "type must end in .incident.<declare|ack|mitigate|resolve|close|note|role_assign|"
                + "state_change>, got '" + ceType + "'", at + "type", Map.of()));
    }

    private ObjectNode data(CloudEvent ce, String at) {
        if (ce.getData() == null) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(ce.getData().toBytes());
            if (node instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            // answered below
        }
        throw ApiProblem.invalidField(at + "data", "data must be a JSON object");
    }

    private static String optionalText(ObjectNode data, String field, String at) {
        JsonNode v = data.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiProblem.invalidField(at + "data." + field, "data." + field + " must be a string");
        }
        return v.asText();
    }
}
