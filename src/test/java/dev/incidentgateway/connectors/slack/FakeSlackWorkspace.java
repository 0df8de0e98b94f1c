package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state and checks of {@link FakeSlack}'s one channel: messages by ts, thread roots by incident (read
 * from the root's message metadata {@code event_payload.incident_id}), what each incident received.
 * Thread-safe: every method holds this object's lock.
 */
final class FakeSlackWorkspace {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ObjectNode> messages = new HashMap<>();
    private final Map<String, String> rootIncident = new HashMap<>();
    private final Map<String, List<String>> received = new LinkedHashMap<>();
    private final Map<String, List<String>> roots = new LinkedHashMap<>();
    private final Map<String, Integer> updates = new HashMap<>();
    /** Top-level messages (what conversations.history lists), by ts in microseconds. */
    private final TreeMap<Long, String> topLevel = new TreeMap<>();
    private final Map<String, Integer> replyCounts = new HashMap<>();
    private long lastMicros;

    synchronized List<String> receivedFor(String incidentId) {
        return List.copyOf(received.getOrDefault(incidentId, List.of()));
    }

    synchronized int ticketCount(String incidentId) {
        return roots.getOrDefault(incidentId, List.of()).size();
    }

    synchronized Set<String> incidents() {
        return new LinkedHashSet<>(roots.keySet());
    }

    synchronized JsonNode rootMessage(String incidentId) {
        List<String> ts = roots.get(incidentId);
        return ts == null ? null : messages.get(ts.get(0)).deepCopy();
    }

    synchronized int updateCount(String incidentId) {
        return updates.getOrDefault(incidentId, 0);
    }

    synchronized ObjectNode postMessage(ObjectNode body) {
        String channel = body.path("channel").asText("");
        if (!Set.of(FakeSlack.CHANNEL_NAME, FakeSlack.CHANNEL_NAME.substring(1), FakeSlack.CHANNEL_ID).contains(channel)) {
            return error("channel_not_found");
        }
        ObjectNode invalid = invalidContent(body);
        if (invalid != null) {
            return invalid;
        }
        String threadTs = body.path("thread_ts").asText(null);
        if (threadTs != null && !rootIncident.containsKey(threadTs)) {
            return error("thread_not_found");
        }
        JsonNode metadata = body.path("metadata");
        if (!metadata.isMissingNode() && (!metadata.path("event_type").isTextual() || !metadata.path("event_payload").isObject())) {
            return error("invalid_metadata_format");
        }
        // Like Slack: the post time in seconds with six digits, unique in the channel.
        lastMicros = Math.max(System.currentTimeMillis() * 1000, lastMicros + 1);
        String ts = String.format("%d.%06d", lastMicros / 1_000_000, lastMicros % 1_000_000);
        ObjectNode message = body.deepCopy().put("type", "message").put("ts", ts).put("channel", FakeSlack.CHANNEL_ID);
        messages.put(ts, message);
        JsonNode payload = metadata.path("event_payload");
        if (threadTs == null) {
            topLevel.put(lastMicros, ts);
            String incident = payload.path("incident_id").asText(null);
            rootIncident.put(ts, incident == null ? "" : incident);
            if (incident != null) {
                roots.computeIfAbsent(incident, k -> new ArrayList<>()).add(ts);
                received.computeIfAbsent(incident, k -> new ArrayList<>()).add("declare");
            }
        } else {
            replyCounts.merge(threadTs, 1, Integer::sum);
        }
        if (threadTs != null && !rootIncident.get(threadTs).isEmpty()) {
            received.computeIfAbsent(rootIncident.get(threadTs), k -> new ArrayList<>())
                    .add(payload.path("event_type").asText("reply"));
        }
        ObjectNode ok = JSON.createObjectNode().put("ok", true).put("channel", FakeSlack.CHANNEL_ID).put("ts", ts);
        ok.set("message", message);
        return ok;
    }

    synchronized ObjectNode update(ObjectNode body) {
        if (!FakeSlack.CHANNEL_ID.equals(body.path("channel").asText(""))) {
            return error("channel_not_found"); // chat.update takes the channel ID only
        }
        String ts = body.path("ts").asText("");
        ObjectNode message = messages.get(ts);
        if (message == null) {
            return error("message_not_found");
        }
        ObjectNode invalid = invalidContent(body);
        if (invalid != null) {
            return invalid;
        }
        message.set("text", body.get("text"));
        if (body.has("blocks")) {
            message.set("blocks", body.get("blocks"));
        }
        String incident = rootIncident.get(ts);
        if (incident != null && !incident.isEmpty()) {
            updates.merge(incident, 1, Integer::sum);
        }
        return JSON.createObjectNode().put("ok", true).put("channel", FakeSlack.CHANNEL_ID).put("ts", ts).put("text", body.path("text").asText(""));
    }

    /**
     * conversations.history's view of the channel: the top-level messages (thread replies are not listed)
     * with ts in (from, to] microseconds (bounds as the caller made them), newest first, at most {@code max}.
     * A root with replies carries thread_ts (= its ts) and reply_count; metadata only when asked for.
     */
    synchronized List<ObjectNode> history(long fromExclusive, long toInclusive, int max, boolean withMetadata) {
        List<ObjectNode> out = new ArrayList<>();
        if (toInclusive <= fromExclusive) {
            return out;
        }
        for (String ts : topLevel.subMap(fromExclusive, false, toInclusive, true).descendingMap().values()) {
            if (out.size() == max) {
                break;
            }
            ObjectNode stored = messages.get(ts);
            ObjectNode m = JSON.createObjectNode().put("type", "message").put("user", "U0GATEWAY").put("bot_id", "B0GATEWAY")
                    .put("app_id", "A0GATEWAY").put("ts", ts);
            m.set("text", stored.path("text").deepCopy());
            if (stored.has("blocks")) {
                m.set("blocks", stored.get("blocks").deepCopy());
            }
            if (withMetadata && stored.has("metadata")) {
                m.set("metadata", stored.get("metadata").deepCopy());
            }
            int replies = replyCounts.getOrDefault(ts, 0);
            if (replies > 0) {
                m.put("thread_ts", ts).put("reply_count", replies);
            }
            out.add(m);
        }
        return out;
    }

    /** text or blocks required; Block Kit limits of the blocks the gateway uses; text ≤ 40,000 characters. */
    private static ObjectNode invalidContent(JsonNode body) {
        JsonNode blocks = body.path("blocks");
        if (body.path("text").asText("").isBlank() && (!blocks.isArray() || blocks.isEmpty())) {
            return error("no_text");
        }
        if (body.path("text").asText("").length() > 40_000) {
            return error("msg_too_long");
        }
        if (blocks.isMissingNode()) {
            return null;
        }
        if (!blocks.isArray() || blocks.size() > 50) {
            return invalidBlocks("blocks must be an array of at most 50 blocks");
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String type = b.path("type").asText("");
            String text = b.path("text").path("text").asText("");
            if (type.equals("header") && (!b.path("text").path("type").asText().equals("plain_text") || text.isEmpty() || text.length() > 150)) {
                return invalidBlocks("header text must be plain_text of 1..150 characters [json-pointer:/blocks/" + i + "/text]");
            }
            if (type.equals("section") && (text.isEmpty() || text.length() > 3000)) {
                return invalidBlocks("section text must be 1..3000 characters [json-pointer:/blocks/" + i + "/text]");
            }
            if (type.equals("section") && !TEXT_TYPES.contains(b.path("text").path("type").asText())) {
                return invalidBlocks("must provide a text object type of plain_text or mrkdwn [json-pointer:/blocks/" + i + "/text/type]");
            }
            if (type.equals("context")) {
                String refused = invalidContextElements(b.path("elements"));
                if (refused != null) {
                    return invalidBlocks(refused + " [json-pointer:/blocks/" + i + "/elements]");
                }
            }
            if (!Set.of("header", "section", "context", "divider", "actions").contains(type)) {
                return invalidBlocks("unknown block type '" + type + "' [json-pointer:/blocks/" + i + "]");
            }
        }
        return null;
    }

    /** Text object types; a context element may also be an image. */
    private static final Set<String> TEXT_TYPES = Set.of("plain_text", "mrkdwn");

    /** Slack's rule for a context block: {@code elements} required, 1..10 text objects or images; null when valid. */
    private static String invalidContextElements(JsonNode elements) {
        if (!elements.isArray() || elements.isEmpty() || elements.size() > 10) {
            return "context elements must be an array of 1..10 elements";
        }
        for (JsonNode e : elements) {
            String type = e.path("type").asText("");
            if (TEXT_TYPES.contains(type) ? e.path("text").asText("").isEmpty() : !type.equals("image")) {
                return "context element must be a non-empty plain_text or mrkdwn text object, or an image";
            }
        }
        return null;
    }

    private static ObjectNode invalidBlocks(String message) {
        ObjectNode e = error("invalid_blocks");
        e.putObject("response_metadata").putArray("messages").add("[ERROR] " + message);
        return e;
    }

    static ObjectNode error(String code) {
        return JSON.createObjectNode().put("ok", false).put("error", code);
    }
}
