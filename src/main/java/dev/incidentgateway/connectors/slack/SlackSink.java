package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.HttpCall;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkHttpClient;
import dev.incidentgateway.timeline.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivers incident events to one Slack channel as one thread per incident: decides the Web API calls and
 * classifies their answers ({@link SlackErrors}); the messages themselves come from
 * {@link SlackMessageBuilder}.
 * <ul>
 *   <li>declare: chat.postMessage of the thread root; its ts and the channel ID Slack answers with are the
 *       incident's {@link ExternalRef} (chat.update needs the ID, not the configured name).</li>
 *   <li>any later event: chat.update of the root (status line) first, then the thread reply
 *       ({@code thread_ts}). In this order a retry after a failed reply repeats only the idempotent update,
 *       never a reply Slack already accepted.</li>
 *   <li>a later event without a ref (the sink was enabled after the declare): the root is posted first
 *       (already showing the current status), then the reply; the result carries the new ref.</li>
 * </ul>
 */
public final class SlackSink implements Sink {
    public static final String CONNECTOR = "slack";
    private static final Logger LOG = LoggerFactory.getLogger(SlackSink.class);

    private final String apiUrl;
    private final String token;
    private final String channel;
    private final String workspaceUrl;
    private final SlackMessageBuilder messages;
    private final SinkHttpClient http;
    private final ObjectMapper json;
    /**
     * Roots posted for a non-declare event whose reply then failed: the retry (ref still {@code null}, as
     * only {@code Delivered} stores it) threads under this root instead of posting a second one.
     */
    private final Map<String, ExternalRef> unconfirmedRoots = new ConcurrentHashMap<>();

    /**
     * @param apiUrl       Web API base URL without trailing slash ({@code https://slack.com/api})
     * @param channel      the configured channel, a name ({@code #incidents}) or an ID
     * @param workspaceUrl {@code https://<workspace>.slack.com} for message permalinks, or {@code null}
     */
    public SlackSink(String apiUrl, String token, String channel, String workspaceUrl, SlackMessageBuilder messages,
                     SinkHttpClient http, ObjectMapper json) {
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.token = token;
        this.channel = channel;
        this.workspaceUrl = workspaceUrl == null || workspaceUrl.isBlank() ? null : workspaceUrl.replaceAll("/+$", "");
        this.messages = messages;
        this.http = http;
        this.json = json;
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        DeliveryResult result;
        try {
            result = send(d);
        } catch (RuntimeException e) {
            result = new DeliveryResult.Retry("slack: " + e, null);
        }
        result = scrubbed(result);
        if (!(result instanceof DeliveryResult.Delivered)) {
            LOG.debug("slack delivery of event {} ({}) of incident {}: {}", d.event().id(), d.event().type().wireName(),
                    d.incident().id(), result);
        }
        return result;
    }

    private DeliveryResult send(Delivery d) {
        String incidentId = d.incident().id();
        boolean isDeclare = d.event().type() == EventType.DECLARE;
        ExternalRef ref = d.ref();
        boolean creating = ref == null;
        if (creating) {
            ref = unconfirmedRoots.get(incidentId);
        }
        if (ref == null) {
            SlackErrors.Answer root = call("chat.postMessage", messages.root(channel, d));
            if (!root.ok()) {
                return root.failure();
            }
            String ts = root.body().path("ts").asText("");
            String channelId = root.body().path("channel").asText("");
            if (ts.isEmpty() || channelId.isEmpty()) {
                return new DeliveryResult.Dead("slack chat.postMessage: ok answer without ts or channel");
            }
            ref = new ExternalRef(incidentId, CONNECTOR, ts, null, channelId, permalink(channelId, ts));
            if (isDeclare) {
                return new DeliveryResult.Delivered(ref);
            }
            // The new root already shows the current status: no chat.update needed, only the reply.
            unconfirmedRoots.put(incidentId, ref);
        } else if (!creating) {
            String channelId = ref.channel() != null ? ref.channel() : channel;
            SlackErrors.Answer update = call("chat.update", messages.rootUpdate(channelId, ref.externalId(), d));
            if (!update.ok()) {
                if (!SlackErrors.STATUS_LINE_OPTIONAL.contains(update.error())) {
                    return update.failure();
                }
                LOG.warn("slack: the root message of incident {} cannot be updated ({}); posting the reply only",
                        incidentId, update.error());
            }
        }
        if (!isDeclare) {
            String channelId = ref.channel() != null ? ref.channel() : channel;
            SlackErrors.Answer reply = call("chat.postMessage", messages.reply(channelId, ref.externalId(), d));
            if (!reply.ok()) {
                return reply.failure();
            }
        }
        if (creating) {
            unconfirmedRoots.remove(incidentId);
            return new DeliveryResult.Delivered(ref);
        }
        return DeliveryResult.delivered();
    }

    private SlackErrors.Answer call(String method, ObjectNode payload) {
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return new SlackErrors.Answer(null, null, new DeliveryResult.Dead("slack " + method + ": " + e.getMessage()));
        }
        HttpCall call = HttpCall.json("POST", apiUrl + "/" + method, Map.of("Authorization", "Bearer " + token), body);
        return SlackErrors.read(method, http.send(call), json);
    }

    /** {@code https://acme.slack.com/archives/C0123ABCD/p1700000000000100} when the workspace URL is known. */
    private String permalink(String channelId, String ts) {
        return workspaceUrl == null ? null : workspaceUrl + "/archives/" + channelId + "/p" + ts.replace(".", "");
    }

    /** The token never leaves in a reason, whatever a proxy or exception echoed. */
    private DeliveryResult scrubbed(DeliveryResult r) {
        if (r instanceof DeliveryResult.Retry retry) {
            return new DeliveryResult.Retry(scrub(retry.reason()), retry.retryAfter());
        }
        if (r instanceof DeliveryResult.Dead dead) {
            return new DeliveryResult.Dead(scrub(dead.reason()));
        }
        return r;
    }

    private String scrub(String reason) {
        return reason == null || token.isEmpty() ? reason : reason.replace(token, "xoxb-***");
    }

    @Override
    public String toString() {
        return "SlackSink[" + apiUrl + ", channel " + channel + "]";
    }
}
