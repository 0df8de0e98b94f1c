package dev.incidentgateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineStore;
import dev.incidentgateway.transport.KeyedRateLimiter;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /webhooks/<source>}: authenticate → normalize → correlate and append (one transaction) →
 * reply {@code {"accepted":[ids],"duplicates":[ids],"ignored":n}} only after the commit. A source over its rate limit
 * (after authentication) gets 429 + Retry-After. Nothing is stored
 * when any step refuses the request; a transient store failure answers 503 (see ProblemMapper).
 */
public final class WebhookIngestHandler {
    private final Map<String, WebhookSource> sources;
    private final TimelineStore store;
    private final ObjectMapper json;
    private final KeyedRateLimiter rateLimits;

    public WebhookIngestHandler(Map<String, WebhookSource> sources, TimelineStore store, ObjectMapper json) {
        this(sources, store, json, KeyedRateLimiter.unlimited());
    }

    /** @param rateLimits per source name ({@link WebhookRateLimits}) */
    public WebhookIngestHandler(Map<String, WebhookSource> sources, TimelineStore store, ObjectMapper json,
                                KeyedRateLimiter rateLimits) {
        this.sources = Map.copyOf(sources);
        this.store = store;
        this.json = json;
        this.rateLimits = rateLimits;
    }

    public ApiResponse handle(ApiRequest req) throws JsonProcessingException {
        String name = req.pathSegment(1); // /webhooks/{source}
        WebhookSource source = sources.get(name);
        if (source == null) {
            throw ApiProblem.notFound("no webhook source named '" + name + "' (connectors/<name>.yaml with kind: webhook-source)");
        }
        WebhookRequest request = new WebhookRequest(name, req.headers(), req.body());
        source.authenticator().authenticate(request);
        // After authentication: only the source's real sender spends its budget, a stranger cannot exhaust it.
        rateLimits.tryAcquire(name).ifPresent(seconds -> {
            throw ApiProblem.tooManyRequests("Webhook source '" + name + "' is limited to " + rateLimits.limitOf(name).describe()
                    + "; nothing was stored. Retry after " + seconds + " s.", seconds);
        });
        // Provenance is the route's, not the payload's: every event of /webhooks/<name> is webhook:<name>.
        String principal = Principal.webhook(name).name();
        List<NewEvent> events = source.mapper().map(request).stream().map(e -> e.withPrincipal(principal)).toList();
        List<AppendOutcome> outcomes = events.isEmpty() ? List.of() : store.appendAll(events);
        return ApiResponse.json(200, json.writeValueAsBytes(reply(outcomes)));
    }

    private ObjectNode reply(List<AppendOutcome> outcomes) {
        ObjectNode body = json.createObjectNode();
        ArrayNode accepted = body.putArray("accepted");
        ArrayNode duplicates = body.putArray("duplicates");
        int ignored = 0;
        for (AppendOutcome o : outcomes) {
            switch (o.kind()) {
                case APPENDED -> accepted.add(o.event().id());
                case DUPLICATE -> duplicates.add(o.event().id());
                case CORRELATED, IGNORED, REFUSED -> ignored++;
            }
        }
        body.put("ignored", ignored);
        return body;
    }
}
