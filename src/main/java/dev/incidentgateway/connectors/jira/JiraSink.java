package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.connectors.http.FailureClassifier;
import dev.incidentgateway.connectors.http.HttpCall;
import dev.incidentgateway.connectors.http.HttpReply;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.timeline.EventType;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;

/**
 * Mirrors incidents to Jira Cloud issues (REST v3): declare creates an issue, note and role_assign add
 * comments, ack/mitigate/resolve/close/state_change apply the configured workflow transition; a state_change that
 * sets the severity also sets the issue's priority (by {@code priorities}) and adds a comment.
 *
 * <p>Creation is idempotent across crashes: before creating, the sink searches the project for an issue
 * with the incident's label ({@code incident-gateway-INC-42}) and reuses it. Any event that arrives without
 * a ref (the declare was below {@code minSeverity} then, or the connector was enabled later) finds or
 * creates the issue first. A status event whose target status is already current is delivered as is.
 * Every request carries {@code X-Incident-Gateway-Event: <event type>} (Jira ignores unknown headers).
 */
final class JiraSink implements Sink {
    static final String CONNECTOR = "jira";
    static final String EVENT_HEADER = "X-Incident-Gateway-Event";
    /** How long a create that may have been made waits before its retry searches for it ({@link #create}). */
    static final Duration SEARCH_LAG = Duration.ofSeconds(60);

    private final JiraConfig config;
    private final JiraIssueMapper mapper;
    private final SinkHttpClient http;

    JiraSink(JiraConfig config, JiraIssueMapper mapper, SinkHttpClient http) {
        this.config = config;
        this.mapper = mapper;
        this.http = http;
    }

    @Override
    public String connector() {
        return CONNECTOR;
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        try {
            EventType type = d.event().type();
            ExternalRef ref = d.ref();
            ExternalRef found = null;
            if (ref == null) {
                ref = findExisting(d);
                if (ref == null) {
                    ref = create(d);
                }
                found = ref;
            } else if (type == EventType.DECLARE) {
                return DeliveryResult.delivered();
            }
            switch (type) {
                case DECLARE -> {
                }
                case NOTE, ROLE_ASSIGN -> comment(ref, d);
                case ACK, MITIGATE, RESOLVE, CLOSE -> transition(ref, d);
                case STATE_CHANGE -> {
                    severityChange(ref, d);
                    transition(ref, d);
                }
            }
            return new DeliveryResult.Delivered(found);
        } catch (Outcome o) {
            return o.result;
        }
    }

    /** The oldest issue of the project carrying the incident's label, or {@code null}. */
    private ExternalRef findExisting(Delivery d) {
        String query = "jql=" + VendorHttp.encode(mapper.searchJql(d.incident().id())) + "&fields=summary,status,labels&maxResults=1";
        JsonNode issues = json(send(HttpCall.get(api("/search/jql?" + query), headers(d)), "search issues"), "search issues")
                .path("issues");
        return issues.isEmpty() ? null : ref(d, issues.get(0));
    }

    /**
     * Creates the issue. A create whose answer was lost or unreadable (no answer, 5xx, a 2xx without id) may have been
     * made; the retry looks for it first, but Jira's issue search is eventually consistent (a new issue can take seconds
     * to minutes to appear; the {@code reconcileIssues} fix needs the id we never got), so a retry at the first backoff
     * step (1 s) would miss it and create a second issue. Such a retry waits {@link #SEARCH_LAG} at least.
     */
    private ExternalRef create(Delivery d) {
        try {
            HttpReply reply = send(HttpCall.json("POST", api("/issue"), headers(d), mapper.createIssue(d)),
                    "create issue in " + config.site().project());
            return ref(d, json(reply, "create issue"));
        } catch (Outcome o) {
            if (o.result instanceof DeliveryResult.Retry r && r.retryAfter() == null) {
                throw new Outcome(r.notBefore(SEARCH_LAG));
            }
            throw o;
        }
    }

    private void comment(ExternalRef ref, Delivery d) {
        send(HttpCall.json("POST", issueUrl(ref, "/comment"), headers(d), mapper.comment(d)), "comment on " + ref.externalKey());
    }

    /**
     * A state_change that set the severity: the issue's priority follows it (as it was set from the severity at
     * create), and a comment says who changed it and why. Both are safe to repeat after a retry.
     */
    private void severityChange(ExternalRef ref, Delivery d) {
        if (d.event().severityChange() == null) {
            return;
        }
        String edit = mapper.priorityEdit(d.event());
        if (edit != null) {
            send(HttpCall.json("PUT", issueUrl(ref, ""), headers(d), edit), "set the priority of " + ref.externalKey());
        }
        send(HttpCall.json("POST", issueUrl(ref, "/comment"), headers(d), mapper.severityComment(d)),
                "comment on " + ref.externalKey());
    }

    private void transition(ExternalRef ref, Delivery d) {
        String target = mapper.transitionTarget(d.event());
        if (target == null) {
            return;
        }
        String key = ref.externalKey();
        JsonNode transitions = json(send(HttpCall.get(issueUrl(ref, "/transitions"), headers(d)), "list transitions of " + key),
                "list transitions").path("transitions");
        List<String> available = new ArrayList<>();
        for (JsonNode t : transitions) {
            String name = t.path("name").asText();
            String to = t.path("to").path("name").asText();
            if (target.equalsIgnoreCase(name) || target.equalsIgnoreCase(to)) {
                send(HttpCall.json("POST", issueUrl(ref, "/transitions"), headers(d), mapper.transition(t.path("id").asText())),
                        "transition " + key + " to " + target);
                return;
            }
            available.add(name + " → " + to);
        }
        String current = json(send(HttpCall.get(issueUrl(ref, "?fields=status"), headers(d)), "read status of " + key),
                "read status").path("fields").path("status").path("name").asText();
        if (!target.equalsIgnoreCase(current)) {
            throw new Outcome(new DeliveryResult.Dead("no transition '" + target + "' from status '" + current + "' of " + key
                    + " (available: " + String.join(", ", available) + "); check transitions." + d.event().type().wireName()
                    + " in connectors/jira.yaml against the project's workflow"));
        }
    }

    /** Sends the call; a non-2xx answer ends the delivery with the classified result. */
    private HttpReply send(HttpCall call, String what) {
        HttpReply reply = http.send(call);
        if (!reply.isSuccess()) {
            String reason = scrub(JiraErrors.reason(reply));
            throw new Outcome(FailureClassifier.classify(reply, what + (reason.isEmpty() ? "" : ": " + reason)));
        }
        return reply;
    }

    /** Reasons end up in the outbox API: never let the credentials in, whatever a proxy echoes. */
    private String scrub(String reason) {
        return VendorHttp.scrub(reason, config.site().authorization(), config.site().token());
    }

    private static JsonNode json(HttpReply reply, String what) {
        JsonNode node = VendorHttp.json(reply);
        if (node.isObject()) {
            return node;
        }
        throw new Outcome(new DeliveryResult.Retry(what + ": HTTP " + reply.status() + " with a body that is not a JSON object", null));
    }

    private ExternalRef ref(Delivery d, JsonNode issue) {
        String id = issue.path("id").asText("");
        String key = issue.path("key").asText("");
        if (id.isEmpty() || key.isEmpty()) {
            throw new Outcome(new DeliveryResult.Retry("Jira answered an issue without id or key", null));
        }
        return new ExternalRef(d.incident().id(), CONNECTOR, id, key, null, config.site().baseUrl() + "/browse/" + key);
    }

    private Map<String, String> headers(Delivery d) {
        return Map.of("Authorization", config.site().authorization(), "Accept", "application/json",
                EVENT_HEADER, d.event().type().wireName());
    }

    private String api(String path) {
        return config.site().baseUrl() + "/rest/api/3" + path;
    }

    private String issueUrl(ExternalRef ref, String suffix) {
        // The key, as the Jira REST docs (and the contract) address issues; Jira still resolves a moved issue's old key.
        String idOrKey = ref.externalKey() != null ? ref.externalKey() : ref.externalId();
        return api("/issue/" + VendorHttp.encode(idOrKey) + suffix);
    }


    /** Ends a delivery early with its result (never leaves {@link #deliver}). */
    private static final class Outcome extends RuntimeException {
        private final transient DeliveryResult result;

        Outcome(DeliveryResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
