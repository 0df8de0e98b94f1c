package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.connectors.http.SinkHttpClient;
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
 *   <li>no ref, but a root is already there ({@link SlackRootFinder}: the process died after Slack accepted
 *       the root, before the relay stored its ref): that root is reused, as if the ref had been stored. Before
 *       posting any root the channel's history is searched for it, so a crash never leaves two threads (when the
 *       app may read the history: without the scope the root is posted unchecked, see {@link SlackRootFinder#search}).</li>
 * </ul>
 * The configured channel may be a name: it is resolved to its ID once (conversations.list), and the ID is
 * used for every call.
 */
public final class SlackSink implements Sink {
    public static final String CONNECTOR = "slack";
    private static final Logger LOG = LoggerFactory.getLogger(SlackSink.class);

    private final SlackApi api;
    private final String token;
    private final String channel;
    private final String workspaceUrl;
    private final SlackMessageBuilder messages;
    private final SlackRootFinder finder;
    /**
     * Roots posted (or found) for a non-declare event whose reply then failed: the retry (ref still
     * {@code null}, as only {@code Delivered} stores it) threads under this root without looking it up again.
     */
    private final Map<String, ExternalRef> unconfirmedRoots = new ConcurrentHashMap<>();

    /**
     * @param apiUrl       Web API base URL without trailing slash ({@code https://slack.com/api})
     * @param channel      the configured channel, a name ({@code #incidents}) or an ID
     * @param workspaceUrl {@code https://<workspace>.slack.com} for message permalinks, or {@code null}
     */
    public SlackSink(String apiUrl, String token, String channel, String workspaceUrl, SlackMessageBuilder messages,
                     SinkHttpClient http, ObjectMapper json) {
        this.api = new SlackApi(apiUrl, token, http, json);
        this.token = token;
        this.channel = channel;
        this.workspaceUrl = workspaceUrl == null || workspaceUrl.isBlank() ? null : workspaceUrl.replaceAll("/+$", "");
        this.messages = messages;
        this.finder = new SlackRootFinder(api, channel);
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
        boolean updateRoot = !creating;
        if (creating) {
            ref = unconfirmedRoots.get(incidentId);
        }
        if (ref == null) {
            SlackRootFinder.Search search = finder.search(d.incident());
            if (search.failure() != null) {
                return search.failure();
            }
            if (search.rootTs() != null) {
                // Posted by an attempt whose ref was never stored (the process died right after): reuse it.
                ref = ref(incidentId, search.channelId(), search.rootTs());
                LOG.info("slack: incident {} already has its thread root {} in {}; reusing it", incidentId, ref.externalId(),
                        ref.channel());
                if (isDeclare) {
                    return new DeliveryResult.Delivered(ref);
                }
                updateRoot = true;
            } else {
                SlackErrors.Answer root = api.post("chat.postMessage", messages.root(search.channelId(), d));
                if (!root.ok()) {
                    return root.failure();
                }
                String ts = root.body().path("ts").asText("");
                String answeredId = root.body().path("channel").asText("");
                if (ts.isEmpty() || answeredId.isEmpty()) {
                    return new DeliveryResult.Dead("slack chat.postMessage: ok answer without ts or channel");
                }
                ref = ref(incidentId, answeredId, ts);
                if (isDeclare) {
                    return new DeliveryResult.Delivered(ref);
                }
                // The new root already shows the current status: no chat.update needed, only the reply.
                unconfirmedRoots.put(incidentId, ref);
            }
        }
        if (updateRoot) {
            String channelId = ref.channel() != null ? ref.channel() : channel;
            SlackErrors.Answer update = api.post("chat.update", messages.rootUpdate(channelId, ref.externalId(), d));
            if (!update.ok()) {
                if (!SlackErrors.STATUS_LINE_OPTIONAL.contains(update.error())) {
                    return update.failure();
                }
                LOG.warn("slack: the root message of incident {} cannot be updated ({}); posting the reply only",
                        incidentId, update.error());
            }
            if (creating) {
                unconfirmedRoots.put(incidentId, ref); // a retry of a failed reply needs neither lookup nor update
            }
        }
        if (!isDeclare) {
            String channelId = ref.channel() != null ? ref.channel() : channel;
            SlackErrors.Answer reply = api.post("chat.postMessage", messages.reply(channelId, ref.externalId(), d));
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

    private ExternalRef ref(String incidentId, String channelId, String ts) {
        return new ExternalRef(incidentId, CONNECTOR, ts, null, channelId, permalink(channelId, ts));
    }

    /** {@code https://acme.slack.com/archives/C0123ABCD/p1700000000000100} when the workspace URL is known. */
    private String permalink(String channelId, String ts) {
        return workspaceUrl == null ? null : workspaceUrl + "/archives/" + channelId + "/p" + ts.replace(".", "");
    }

    /** The token never leaves in a reason, whatever a proxy or exception echoed. */
    private DeliveryResult scrubbed(DeliveryResult r) {
        return VendorHttp.scrub(r, token);
    }

    @Override
    public String toString() {
        return "SlackSink[" + api.apiUrl() + ", channel " + channel + "]";
    }
}
