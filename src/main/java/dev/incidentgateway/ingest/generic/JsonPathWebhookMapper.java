package dev.incidentgateway.ingest.generic;

import dev.incidentgateway.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookMapper;
import dev.incidentgateway.ingest.WebhookRequest;
import dev.incidentgateway.timeline.EventLimits;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A webhook source declared in YAML only ({@code mapper: jsonpath}): JSONPath expressions pick each timeline
 * event's fields out of the vendor's payload. Descriptor ({@code connectors/<name>.yaml}):
 *
 * <pre>
 * kind: webhook-source
 * name: pagerduty                 # exposes POST /webhooks/pagerduty; must equal the file name
 * mapper: jsonpath
 * auth: {...}                     # read by WebhookAuthenticators, not here
 * mapping:
 *   items: "$.alerts[*]"          # optional: selects several items in one payload; default: the body is one item
 *   correlationKey: "$.event.data.id"                  # required; the key becomes "&lt;name&gt;:&lt;value&gt;"
 *   eventType:                                         # required
 *     path: "$.event.event_type"
 *     values: { incident.triggered: declare, incident.acknowledged: ack, incident.resolved: resolve }
 *   title: "$.event.data.title"                        # required when a value maps to declare
 *   severity: { path: "$.event.data.priority.summary", values: { P1: sev1, P2: sev2 }, default: sev3 }
 *   content: "$.event.data.html_url"                   # optional
 *   actor: "$.event.agent.summary"                     # optional; default: the source name
 *   eventId: "$.event.id"                              # optional: the idempotency id (ceId)
 *   eventTime: "$.event.occurred_at"                   # optional, ISO-8601
 *   data: { service: "$.event.data.service.summary" }  # optional: copied into the event's data
 * </pre>
 *
 * <p>Paths are Jayway JSONPath rooted at {@code $}, which is the item (the body, or one element selected by
 * {@code items}). Any field may instead be a list of paths tried in order: the first that yields a value that is
 * not missing, {@code null} or blank wins (a path with a wildcard or filter yields its first match). Other forms:
 * {@code severity: "$.sev"} (the value must already be {@code sev1}..{@code sev4}; else {@code sev3});
 * {@code severity.default} (when omitted: {@code sev3}); {@code eventTime: { path: "$.date", format: epoch-millis }}
 * with format {@code iso-8601} (default), {@code epoch-millis} or {@code epoch-seconds}, or
 * {@code eventTime: { path: "$.time", pattern: "yyyy-MM-dd HH:mm:ss.SSS", zone: UTC }} (a java.time pattern; the zone of
 * a time without an offset, UTC by default). Value-map targets are
 * {@code declare, ack, mitigate, resolve, close, note}; severities {@code sev1..sev4}. Unknown keys are errors.
 *
 * <p>Per item: the event type is read first, and a value not listed in {@code eventType.values} skips the item
 * (vendors send many event types we do not map). Then a missing or non-text event type or correlation key, a
 * declare without a title, a non-text title/content/actor/eventId, or an unparseable event time answers 400
 * naming the JSONPath ({@code $.alerts[1].fingerprint} inside items); a body that is not JSON answers 400 naming
 * {@code body}; a content type other than JSON answers 415. Text is a JSON string or number. Every event gets
 * {@code source} and {@code ceSource} {@code /webhooks/<name>} and {@code ceId} = the eventId value, or else the
 * SHA-256 (hex) of correlation key, event type and the item's JSON, so a redelivery is a no-op; severity is
 * set on declares only; {@code data.sourceEventType} records the vendor's event type. Store limits: a key
 * ({@code <name>:<value>}) over 512 or an event id over 256 characters answers 400 naming the path; a title
 * over 1024 or an actor over 256 characters is cut.
 */
public final class JsonPathWebhookMapper implements WebhookMapper {
    private static final ObjectMapper JSON = GatewayJson.create();
    /** Column sizes of the store: longer identities are refused (400), longer display text is cut. */
    private static final int MAX_KEY = 512;
    private static final int MAX_EVENT_ID = 256;
    private static final int MAX_TITLE = 1024;
    private static final int MAX_ACTOR = 256;

    private final WebhookSourceMapping mapping;
    private final String webhookPath;

    public JsonPathWebhookMapper(WebhookSourceMapping mapping) {
        this.mapping = mapping;
        this.webhookPath = "/webhooks/" + mapping.name();
    }

    /**
     * Builds the mapper of source {@code name} from its descriptor's {@code mapping:} node.
     *
     * @throws dev.incidentgateway.config.ConfigException naming {@code connectors/<name>.yaml mapping.<key>}
     */
    public static JsonPathWebhookMapper fromDescriptor(String name, JsonNode mapping) {
        return new JsonPathWebhookMapper(WebhookSourceMapping.fromDescriptor(name, mapping));
    }

    public WebhookSourceMapping mapping() {
        return mapping;
    }

    @Override
    public List<NewEvent> map(WebhookRequest request) {
        return mapCounting(request).events();
    }

    @Override
    public Mapped mapCounting(WebhookRequest request) {
        String media = request.mediaType();
        if (!media.isEmpty() && !media.equals("application/json") && !media.endsWith("+json")) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                    "POST /webhooks/" + mapping.name() + " reads application/json, not " + media, "Content-Type", Map.of());
        }
        JsonNode body = parse(request.body());
        List<NewEvent> events = new ArrayList<>();
        int skipped = 0;
        for (Item item : items(body)) {
            NewEvent e = toEvent(item);
            if (e != null) {
                events.add(e);
            } else {
                skipped++;
            }
        }
        return new Mapped(events, skipped);
    }

    /**
     * The payload item the store refused the {@code index}-th event of, by its event-type path ({@code $.alerts[1].state}):
     * the items that map to no event are not events, so the request is read again to count only those that do.
     */
    @Override
    public String itemField(WebhookRequest request, int index, String field) {
        List<Item> mapped = new ArrayList<>();
        for (Item item : items(parse(request.body()))) {
            if (mapping.eventTypes().containsKey(item.required(mapping.eventType(), "the event type", Integer.MAX_VALUE))) {
                mapped.add(item);
            }
        }
        return index >= 0 && index < mapped.size() ? mapped.get(index).field(mapping.eventType().display()) : field;
    }

    private static JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw ApiProblem.malformedJson("The body", e);
        }
        if (root == null || root.isMissingNode()) {
            throw ApiProblem.malformedJson("the body is empty; a JSON document is required");
        }
        return root;
    }

    private List<Item> items(JsonNode body) {
        JsonPath itemsPath = mapping.items();
        if (itemsPath == null) {
            if (!body.isObject()) {
                throw ApiProblem.invalidField("body", "the body must be a JSON object");
            }
            return List.of(new Item(body, "$"));
        }
        String at = mapping.itemsPath();
        Object selected;
        try {
            selected = JsonPath.using(FieldPath.STRICT).parse(body).read(itemsPath);
        } catch (PathNotFoundException e) {
            throw ApiProblem.invalidField(at, "no items at " + at + ": " + e.getMessage());
        }
        JsonNode node = selected instanceof JsonNode n ? n : JSON.valueToTree(selected);
        String prefix = at.endsWith("[*]") ? at.substring(0, at.length() - 3) : at;
        List<Item> items = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                items.add(new Item(node.get(i), prefix + "[" + i + "]"));
            }
        } else if (node != null && !node.isNull()) {
            items.add(new Item(node, at));
        }
        for (Item item : items) {
            if (!item.node().isObject()) {
                throw ApiProblem.invalidField(item.prefix(), item.prefix() + " must be a JSON object, found " + item.node().getNodeType());
            }
        }
        return items;
    }

    private NewEvent toEvent(Item item) {
        String vendorType = item.required(mapping.eventType(), "the event type", Integer.MAX_VALUE);
        EventType type = mapping.eventTypes().get(vendorType);
        if (type == null) {
            return null;
        }
        String key = mapping.name() + ":" + item.required(mapping.correlationKey(), "the correlation key",
                MAX_KEY - mapping.name().length() - 1);
        String title = item.optional(mapping.title(), MAX_TITLE);
        if (type == EventType.DECLARE && title == null) {
            throw ApiProblem.invalidField(item.field(mapping.title().display()),
                    "a declare needs a title; nothing at " + item.field(mapping.title().display()));
        }
        String actor = item.optional(mapping.actor(), MAX_ACTOR);
        String eventId = item.identity(mapping.eventId(), "the event id", MAX_EVENT_ID);
        ObjectNode data = JSON.createObjectNode().put("sourceEventType", vendorType);
        mapping.data().forEach((name, path) -> {
            FieldPath.Hit hit = path.first(item.node());
            if (hit != null) {
                data.set(name, hit.value());
            }
        });
        NewEvent event = NewEvent.builder(type, actor == null ? mapping.name() : actor)
                .title(type == EventType.DECLARE ? title : null)
                .content(item.optional(mapping.content()))
                .severity(type == EventType.DECLARE ? severity(item) : null)
                .data(data)
                .eventTime(mapping.eventTime() == null ? null : EventTimes.read(item, mapping.eventTime()))
                .correlationKey(key)
                .source(webhookPath)
                .ceSource(webhookPath)
                .ceId(eventId != null ? eventId : digest(key, type, item.node()))
                .build();
        EventLimits.checkAsSent(event, field -> sentAs(field, item)); // a NUL in the title: $.event.data.title, not title
        return event;
    }

    /** The JSONPath the item carried an event field at, for an answer about a field the store refuses. */
    private String sentAs(String eventField, Item item) {
        FieldPath path = switch (eventField) {
            case "title" -> mapping.title();
            case "actor" -> mapping.actor();
            case "content" -> mapping.content();
            case "ceId" -> mapping.eventId();
            case "correlationKey" -> mapping.correlationKey();
            default -> null;
        };
        return path == null ? eventField : item.field(path.display());
    }

    private Severity severity(Item item) {
        WebhookSourceMapping.SeverityRule rule = mapping.severity();
        if (rule == null) {
            return Severity.DEFAULT;
        }
        FieldPath.Hit hit = rule.path().first(item.node());
        return rule.of(hit == null || !FieldPath.isText(hit.value()) ? null : hit.text());
    }

    /** The idempotency id of an item without an eventId: stable for the same key, type and item JSON. */
    static String digest(String key, EventType type, JsonNode item) {
        try {
            return HexFormat.of().formatHex(Sha256.of((key + "\n" + type.wireName() + "\n").getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(item)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
