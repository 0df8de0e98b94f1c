package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.connectors.slack.FakeSlackWorkspace.JSON;
import static dev.incidentgateway.connectors.slack.FakeSlackWorkspace.error;

/**
 * {@link FakeSlack}'s read methods, {@code conversations.list} and {@code conversations.history}, like the real
 * ones: arguments from the query string (GET) or a form body (POST application/x-www-form-urlencoded), never
 * from JSON; opaque {@code cursor} pagination with {@code response_metadata.next_cursor}; a page may hold fewer
 * items than {@code limit} (at most {@code pageSize}, as Slack does). The workspace has a few channels besides
 * {@code #incidents}, one archived and one private; conversations.history takes a channel ID only.
 */
final class FakeSlackConversations {
    private record Channel(String id, String name, boolean isPrivate, boolean archived) {
    }

    /** In this order in conversations.list, #incidents last (so finding it by name takes every page). */
    private static final List<Channel> CHANNELS = List.of(
            new Channel("C0GENERAL1", "general", false, false),
            new Channel("C0RANDOM01", "random", false, false),
            new Channel("C0OLDINC01", "incidents-2023", false, true),
            new Channel("C0SECOPS01", "secops", true, false),
            new Channel(FakeSlack.CHANNEL_ID, FakeSlack.CHANNEL_NAME.substring(1), false, false));
    private static final Set<String> TYPES = Set.of("public_channel", "private_channel", "mpim", "im");

    private FakeSlackConversations() {
    }

    /** The bot token scope a method needs (one per method: the fake's channel is public). */
    static String neededScope(String method) {
        return switch (method) {
            case "conversations.list" -> "channels:read";
            case "conversations.history" -> "channels:history";
            default -> "chat:write";
        };
    }

    static ObjectNode list(Map<String, String> params, int pageSize) {
        Set<String> types = Set.of(params.getOrDefault("types", "public_channel").split(","));
        if (!TYPES.containsAll(types)) {
            return error("invalid_types");
        }
        boolean excludeArchived = Set.of("true", "1").contains(params.getOrDefault("exclude_archived", "false"));
        Integer limit = limit(params, 100, 1000);
        Integer offset = offset(params.get("cursor"));
        if (limit == null || offset == null) {
            return error(limit == null ? "invalid_limit" : "invalid_cursor");
        }
        List<Channel> visible = CHANNELS.stream()
                .filter(c -> types.contains(c.isPrivate() ? "private_channel" : "public_channel"))
                .filter(c -> !(excludeArchived && c.archived())).toList();
        int end = Math.min(visible.size(), offset + Math.min(limit, pageSize));
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        ArrayNode channels = ok.putArray("channels");
        for (Channel c : visible.subList(Math.min(offset, end), end)) {
            channels.addObject().put("id", c.id()).put("name", c.name()).put("name_normalized", c.name())
                    .put("is_channel", true).put("is_private", c.isPrivate()).put("is_archived", c.archived())
                    .put("is_member", true).put("created", 1_600_000_000L);
        }
        ok.putObject("response_metadata").put("next_cursor", end < visible.size() ? cursor("offset:" + end) : "");
        return ok;
    }

    static ObjectNode history(Map<String, String> params, FakeSlackWorkspace workspace, int pageSize) {
        String channel = params.getOrDefault("channel", "");
        if (!channel.equals(FakeSlack.CHANNEL_ID)) {
            return error(CHANNELS.stream().anyMatch(c -> c.id().equals(channel)) ? "not_in_channel" : "channel_not_found");
        }
        Integer limit = limit(params, 100, 999);
        if (limit == null) {
            return error("invalid_limit");
        }
        boolean inclusive = Set.of("true", "1").contains(params.getOrDefault("inclusive", "false"));
        Long oldest = micros(params.getOrDefault("oldest", "0"));
        Long latest = params.containsKey("latest") ? micros(params.get("latest")) : Long.valueOf(Long.MAX_VALUE / 2);
        if (oldest == null || latest == null) {
            return error(oldest == null ? "invalid_ts_oldest" : "invalid_ts_latest");
        }
        long from = inclusive ? oldest - 1 : oldest;
        long to = inclusive ? latest : latest - 1;
        String cursor = params.getOrDefault("cursor", "");
        if (!cursor.isEmpty()) {
            String plain = decode(cursor); // next_ts:<ts of the next page's first message>
            Long next = plain != null && plain.startsWith("next_ts:") ? micros(plain.substring("next_ts:".length())) : null;
            if (next == null) {
                return error("invalid_cursor");
            }
            to = Math.min(to, next);
        }
        int size = Math.min(limit, pageSize);
        List<ObjectNode> page = workspace.history(from, to, size + 1,
                Set.of("true", "1").contains(params.getOrDefault("include_all_metadata", "false")));
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        ArrayNode messages = ok.putArray("messages");
        page.stream().limit(size).forEach(messages::add);
        ok.put("has_more", page.size() > size).put("pin_count", 0);
        if (page.size() > size) {
            ok.putObject("response_metadata").put("next_cursor", cursor("next_ts:" + page.get(size).path("ts").asText()));
        }
        return ok;
    }

    private static Integer limit(Map<String, String> params, int dflt, int max) {
        try {
            int limit = Integer.parseInt(params.getOrDefault("limit", String.valueOf(dflt)));
            return limit < 1 ? null : Math.min(limit, max);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The offset in a conversations.list cursor (0 without one), {@code null} for a cursor not made here. */
    private static Integer offset(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        String plain = decode(cursor);
        if (plain == null || !plain.startsWith("offset:")) {
            return null;
        }
        try {
            return Integer.parseInt(plain.substring("offset:".length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A Slack ts ({@code 1700000000.000100}) in microseconds, {@code null} when it is not one. */
    static Long micros(String ts) {
        try {
            return new BigDecimal(ts).movePointRight(6).longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String cursor(String plain) {
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
