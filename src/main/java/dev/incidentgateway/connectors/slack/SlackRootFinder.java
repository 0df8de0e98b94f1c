package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.timeline.Incident;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the thread root this gateway already posted for an incident, so a delivery retried without a stored
 * ref (the process died after chat.postMessage succeeded, before the relay stored the ref) reuses that root
 * instead of posting a second one. Reads {@code conversations.history} (top-level messages only, newest
 * first, from a little before the incident was declared) with {@code include_all_metadata=true} and matches
 * the message metadata every gateway message carries ({@code event_type incident_gateway_event},
 * {@code event_payload.incident_id}). conversations.history takes the channel ID only: a configured channel
 * name is resolved once through {@code conversations.list} and the ID is kept.
 */
final class SlackRootFinder {
    /** A channel (C…), private group (G…) or DM (D…) ID; channel names are lower case, so never match. */
    static final Pattern CHANNEL_ID = Pattern.compile("[CGD][A-Z0-9]{6,}");
    /** How long before the incident's declaredAt the search starts (clock skew between the gateway and Slack). */
    static final Duration LOOKBACK = Duration.ofMinutes(10);
    static final int PAGE_SIZE = 200;
    /** At most this many conversations.history pages per lookup (2,000 top-level messages). */
    static final int MAX_HISTORY_PAGES = 10;
    /** At most this many conversations.list pages when resolving the channel name (10,000 channels). */
    static final int MAX_LIST_PAGES = 50;
    static final String HISTORY_SCOPES = "channels:history (public channel) or groups:history (private channel)";
    static final String LIST_SCOPES = "channels:read (and groups:read for a private channel)";
    private static final Logger LOG = LoggerFactory.getLogger(SlackRootFinder.class);

    /** A lookup's value ({@code null}: nothing found) or its classified failure. */
    record Lookup(String value, DeliveryResult failure) {
        static Lookup of(String value) {
            return new Lookup(value, null);
        }

        static Lookup failed(DeliveryResult failure) {
            return new Lookup(null, failure);
        }

        boolean ok() {
            return failure == null;
        }
    }

    /**
     * Where a new root goes and the root already there ({@code rootTs}, {@code null}: none found or not checked), or a
     * failure to retry.
     */
    record Search(String channelId, String rootTs, DeliveryResult failure) {
    }

    private final SlackApi api;
    private final String channel;
    private final java.util.concurrent.atomic.AtomicBoolean warnedUnchecked = new java.util.concurrent.atomic.AtomicBoolean();
    private final Object resolving = new Object();
    private volatile String channelId;

    /** @param channel the configured channel: a name ({@code #incidents}, {@code incidents}) or an ID */
    SlackRootFinder(SlackApi api, String channel) {
        this.api = api;
        this.channel = channel;
        this.channelId = CHANNEL_ID.matcher(channel).matches() ? channel : null;
    }

    /**
     * Before posting a root: the channel's ID and the incident's root already there. A lookup Slack refuses for good
     * (the app lacks {@value #HISTORY_SCOPES} or {@value #LIST_SCOPES}, a Slack-compatible API without the method, a
     * name it cannot resolve) does not stop the delivery: the root is posted without the check, to the configured
     * channel when its ID is unknown (chat.postMessage takes a name too), with a warning. Only the crash-time duplicate
     * check is lost, which chat:write alone cannot give. A failure worth retrying (rate limit, 5xx) is returned.
     */
    Search search(Incident incident) {
        Lookup id = channelId();
        if (!id.ok()) {
            return unchecked(id.failure(), channel, incident);
        }
        Lookup root = findRoot(id.value(), incident);
        if (!root.ok()) {
            return unchecked(root.failure(), id.value(), incident);
        }
        return new Search(id.value(), root.value(), null);
    }

    private Search unchecked(DeliveryResult failure, String postTo, Incident incident) {
        if (!(failure instanceof DeliveryResult.Dead dead)) {
            return new Search(null, null, failure);
        }
        if (warnedUnchecked.compareAndSet(false, true)) {
            LOG.warn("slack: cannot look for an earlier root of incident {} ({}); roots are posted without that check until "
                    + "it works, so a crash between a post and its record can leave two threads (give the app the scopes "
                    + "in connectors/slack.yaml, or set SLACK_CHANNEL to the channel ID)", incident.id(), dead.reason());
        } else {
            LOG.debug("slack: root of incident {} posted without the check: {}", incident.id(), dead.reason());
        }
        return new Search(postTo, null, null);
    }

    /** The configured channel's ID: the configured value when it is one, else resolved once by name. */
    Lookup channelId() {
        String id = channelId;
        if (id != null) {
            return Lookup.of(id);
        }
        synchronized (resolving) {
            if (channelId == null) {
                Lookup resolved = resolve();
                if (!resolved.ok()) {
                    return resolved;
                }
                channelId = resolved.value();
                LOG.info("slack: channel {} is {}", channel, channelId);
            }
            return Lookup.of(channelId);
        }
    }

    private Lookup resolve() {
        String name = (channel.startsWith("#") ? channel.substring(1) : channel).toLowerCase(Locale.ROOT);
        String cursor = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("types", "public_channel,private_channel");
            params.put("exclude_archived", "true");
            params.put("limit", String.valueOf(PAGE_SIZE));
            params.put("cursor", cursor);
            SlackErrors.Answer a = api.get("conversations.list", params);
            if (!a.ok()) {
                return Lookup.failed(failure(a, "conversations.list", LIST_SCOPES));
            }
            for (JsonNode c : a.body().path("channels")) {
                if (name.equals(c.path("name").asText()) && !c.path("id").asText("").isEmpty()) {
                    return Lookup.of(c.path("id").asText());
                }
            }
            cursor = nextCursor(a.body());
            if (cursor == null) {
                return Lookup.failed(new DeliveryResult.Dead("slack conversations.list: no channel named #" + name
                        + " visible to the app (a private channel is listed only once the app is a member);"
                        + " check SLACK_CHANNEL or set it to the channel ID"));
            }
        }
        return Lookup.failed(new DeliveryResult.Dead("slack conversations.list: #" + name + " not found in the first "
                + MAX_LIST_PAGES * PAGE_SIZE + " channels; set SLACK_CHANNEL to the channel ID"));
    }

    /**
     * The ts of the incident's root in the channel, {@code null} when there is none: a top-level message (not a
     * thread reply) whose metadata names the incident. Of several (an earlier duplicate), the oldest.
     */
    Lookup findRoot(String channelId, Incident incident) {
        String cursor = null;
        for (int page = 0; page < MAX_HISTORY_PAGES; page++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("channel", channelId);
            params.put("limit", String.valueOf(PAGE_SIZE));
            params.put("include_all_metadata", "true");
            params.put("oldest", incident.declaredAt() == null ? null : slackTs(incident.declaredAt().minus(LOOKBACK)));
            params.put("cursor", cursor);
            SlackErrors.Answer a = api.get("conversations.history", params);
            if (!a.ok()) {
                return Lookup.failed(failure(a, "conversations.history", HISTORY_SCOPES));
            }
            String found = null;
            for (JsonNode m : a.body().path("messages")) {
                if (isRootOf(m, incident.id())) {
                    found = m.path("ts").asText(); // newest first: the last match is the oldest
                }
            }
            cursor = nextCursor(a.body());
            if (found != null || cursor == null) {
                return Lookup.of(found);
            }
        }
        LOG.warn("slack: no root of incident {} in the last {} top-level messages of {}; posting one", incident.id(),
                MAX_HISTORY_PAGES * PAGE_SIZE, channelId);
        return Lookup.of(null);
    }

    static boolean isRootOf(JsonNode m, String incidentId) {
        String ts = m.path("ts").asText("");
        if (ts.isEmpty() || !m.path("thread_ts").asText(ts).equals(ts) || "tombstone".equals(m.path("subtype").asText())) {
            return false; // a thread reply (shown in the channel too), or a deleted root kept for its replies
        }
        JsonNode metadata = m.path("metadata");
        return SlackMessageBuilder.METADATA_EVENT_TYPE.equals(metadata.path("event_type").asText())
                && incidentId.equals(metadata.path("event_payload").path("incident_id").asText());
    }

    /** {@code 1700000000.000000}: Slack's ts form of an instant (seconds and microseconds). */
    static String slackTs(Instant t) {
        return String.format(Locale.ROOT, "%d.%06d", t.getEpochSecond(), t.getNano() / 1000);
    }

    private static String nextCursor(JsonNode body) {
        String cursor = body.path("response_metadata").path("next_cursor").asText("");
        return cursor.isBlank() ? null : cursor;
    }

    /** Classified like every Slack answer; a missing_scope without Slack's {@code needed} names the scope. */
    private static DeliveryResult failure(SlackErrors.Answer a, String method, String scopes) {
        if ("missing_scope".equals(a.error()) && (a.body() == null || a.body().path("needed").asText("").isBlank())) {
            return new DeliveryResult.Dead(SlackErrors.reason(method, a.error(), a.body()) + " (needed: " + scopes + ")");
        }
        return a.failure();
    }
}
