package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.ApiRouteSteps;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.camel.TimelineHeaders;
import dev.incidentgateway.timeline.AppendRejectedException;
import dev.incidentgateway.timeline.TransitionRefusedException;
import dev.incidentgateway.transport.HeaderAuthentication;
import dev.incidentgateway.transport.KeyedRateLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The steps of the route {@code routes/inbound/webhooks.camel.yaml} ({@code POST /webhooks/<source>}), bound as the
 * bean {@value #BEAN}: authenticate → rate limit → normalize → ({@code to: timeline:append}, one transaction) →
 * reply {@code {"accepted":[ids],"duplicates":[ids],"ignored":n}} only after the commit. A source over its rate limit
 * (after authentication) gets 429 + Retry-After. Nothing is stored when any step refuses the request; every failure
 * is answered by {@link #problem} (the route's onException) through ProblemMapper, so a transient store failure is a
 * 503 + Retry-After.
 */
public final class WebhookSteps {
    /** The name the gateway binds these steps under. */
    public static final String BEAN = "webhooks";
    private static final String SOURCE = "gateway.webhookSource";
    private static final String REQUEST = "gateway.webhookRequest";
    private static final String SKIPPED = "gateway.webhookSkipped";

    private final Map<String, WebhookSource> sources;
    private final KeyedRateLimiter rateLimits;
    private final ApiRouteSteps http;
    private final ObjectMapper json;
    private final WebhookSourceActivity activity;
    private final Map<String, String> offSources;
    private final DescriptorsAddedSinceStart added;
    private final WebhookReplyWriter replies;

    /**
     * @param offSources the declared sources that are off, each with why ({@link WebhookSourceRegistry#off}): 404 says so
     * @param rateLimits per source name ({@link WebhookRateLimits})
     * @param activity   counts each declared source's accepted and refused requests (GET /api/v1/sources)
     */
    public WebhookSteps(Map<String, WebhookSource> sources, Map<String, String> offSources, KeyedRateLimiter rateLimits,
                        ApiRouteSteps http, ObjectMapper json, WebhookSourceActivity activity) {
        this(sources, offSources, DescriptorsAddedSinceStart.none(), rateLimits, http, json, activity);
    }

    /** @param added the descriptors written since the start, which a 404 names as waiting for a restart */
    public WebhookSteps(Map<String, WebhookSource> sources, Map<String, String> offSources, DescriptorsAddedSinceStart added,
                        KeyedRateLimiter rateLimits, ApiRouteSteps http, ObjectMapper json, WebhookSourceActivity activity) {
        this.added = added;
        this.offSources = Map.copyOf(offSources);
        this.sources = Map.copyOf(sources);
        this.rateLimits = rateLimits;
        this.http = http;
        this.json = json;
        this.activity = activity;
        this.replies = new WebhookReplyWriter(json);
    }

    /**
     * Step 1: a declared source (404), the source's own secret (bearer, standard-webhooks, hmac-sha256-hex or none:
     * 401), then a JSON body within the size limit (413/415). The caller is then {@code webhook:<source>}, the
     * principal {@code timeline:append} records on every event: provenance is the route's, never the payload's.
     */
    public void authenticate(Exchange exchange) {
        ApiRequest req = ApiRouteSteps.request(exchange);
        String name = req.pathSegment(1); // /webhooks/{source}
        WebhookSource source = sources.get(name);
        if (source == null) {
            throw noSuchSource(name);
        }
        WebhookRequest request = new WebhookRequest(name, req.headers(), req.body());
        source.authenticator().authenticate(request); // first: a caller without a credential gets 401 (README), not 415
        // A CloudEvents attribute sent twice (two ce-id headers) is the sender's to settle: the first one was taken silently.
        req.repeatedHeader(h -> h.regionMatches(true, 0, "ce-", 0, 3)).ifPresent(h -> {
            throw ApiProblem.givenTwice(h);
        });
        // A binary-mode CloudEvent without data has neither body nor Content-Type (CloudEvents HTTP binding §3.1.1).
        boolean eventWithoutData = req.header("ce-specversion") != null && req.header("Content-Type") == null && req.body().length == 0;
        if (!eventWithoutData) {
            http.checkJsonBody(exchange);
        }
        exchange.setProperty(SOURCE, source);
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(ApiRequest.PRINCIPAL_PROPERTY, Principal.webhook(name));
    }

    /**
     * The 404 of a name no source has, of a declared source that is off (and why), or of a descriptor written since the
     * start (sources are loaded at the start; {@link DescriptorsAddedSinceStart} says what a caller learns from it).
     */
    private ApiProblem noSuchSource(String name) {
        String off = offSources.get(name);
        if (off != null) {
            return ApiProblem.notFound("webhook source '" + name + "' is off (" + off + ", then restart)");
        }
        if (added.added(name)) {
            return ApiProblem.notFound("webhook source '" + name + "' is not loaded: sources are loaded at the start, and "
                    + "connectors/" + name + ".yaml was added since; restart the gateway to load it");
        }
        return ApiProblem.notFound("no webhook source named '" + name + "' (connectors/<name>.yaml with kind: webhook-source)");
    }

    /**
     * The HTTP edge's check before the body is read ({@code HttpEdge.authenticateBeforeBody}): a name no source has, or
     * a source that is off, is refused now (its 404), so a stranger's unread body never takes a slot of the smaller
     * budget the signed sources' deliveries need; a source whose secret is in the headers (bearer) is authenticated now
     * by its own authenticator, and a refusal is counted like step 1's; a signed or open source needs the body (step 1
     * decides then). Step 1 checks again.
     */
    public HeaderAuthentication.Verdict authenticateFromHeaders(String path, Map<String, String> headers) {
        String name = path.substring(path.lastIndexOf('/') + 1); // /webhooks/{source}
        WebhookSource source = sources.get(name);
        if (source == null) {
            return new HeaderAuthentication.Refused(noSuchSource(name));
        }
        if (!source.authenticator().authenticatesFromHeaders()) {
            return new HeaderAuthentication.BodyNeeded();
        }
        try {
            source.authenticator().authenticate(new WebhookRequest(name, headers, new byte[0]));
            return new HeaderAuthentication.Authenticated();
        } catch (ApiProblem refused) {
            activity.refused(name, refused.status(), refused.title());
            return new HeaderAuthentication.Refused(refused);
        }
    }

    /** Whether {@code source}'s sender is told from memory by the headers alone (a bearer token the gateway holds). */
    private boolean acceptedFromMemory(String path, Map<String, String> headers) {
        WebhookSource source = sources.get(path.substring(path.lastIndexOf('/') + 1));
        return source != null && source.authenticator().acceptsFromMemory(new WebhookRequest(source.name(), headers, new byte[0]));
    }

    /** The edge's checks of {@code POST /webhooks/<source>} before the body is read ({@link #authenticateFromHeaders}). */
    public HeaderAuthentication beforeBody() {
        return new HeaderAuthentication() {
            @Override
            public Verdict check(String path, String method, Map<String, String> headers) {
                return authenticateFromHeaders(path, headers);
            }

            @Override
            public boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
                return WebhookSteps.this.acceptedFromMemory(path, headers);
            }
        };
    }

    /** Step 2, after authentication: only the source's real sender spends its budget, a stranger cannot exhaust it. */
    public void rateLimit(Exchange exchange) {
        String name = source(exchange).name();
        rateLimits.tryAcquire(name).ifPresent(seconds -> {
            throw ApiProblem.tooManyRequests("Webhook source '" + name + "' is limited to " + rateLimits.limitOf(name).describe()
                    + "; nothing was stored. Retry after " + seconds + " s.", seconds);
        });
    }

    /**
     * Step 3: the source's mapper turns the payload into the request's events (the body for {@code timeline:append}).
     * Sets the body itself rather than returning it: Camel's bean step copies the whole message, every request header
     * with it, to hold a method's return value.
     */
    public void normalize(Exchange exchange) {
        WebhookMapper mapper = source(exchange).mapper();
        WebhookMapper.Mapped mapped = mapper.mapCounting(exchange.getProperty(REQUEST, WebhookRequest.class));
        exchange.setProperty(SKIPPED, mapped.skipped());
        exchange.setProperty(TimelineHeaders.APPEND_MODE, mapper.appendMode());
        exchange.getMessage().setBody(mapped.events());
    }

    /** Step 5: the body is the committed batch's outcomes, one per event ({@link WebhookReplyWriter} says how they are told). */
    public void reply(Exchange exchange) {
        List<?> outcomes = exchange.getMessage().getBody(List.class);
        try {
            ApiRouteSteps.reply(exchange, ApiResponse.json(200, replies.write(outcomes,
                    exchange.getProperty(SKIPPED, 0, Integer.class), refused -> refusedItem(exchange, refused))));
            activity.accepted(source(exchange).name(), exchange.getProperty(SKIPPED, 0, Integer.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The route's onException: any failure of any step as problem+json (ProblemMapper), counted as a refusal of the
     * source named in the path when that source is declared (WebhookSourceActivity ignores any other name).
     */
    public void problem(Exchange exchange) {
        String name = ApiRouteSteps.request(exchange).pathSegment(1); // /webhooks/{source}; read first: the reply drops the headers
        nameTheRefusedItem(exchange);
        http.replyProblem(exchange);
        if (name != null && sources.containsKey(name)) {
            Message reply = exchange.getMessage();
            activity.refused(name, reply.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), problemTitle(reply.getBody(byte[].class)));
        }
    }

    /**
     * A transition the state machine refused names the sender's item ({@code [1].type}) as validation does: only the
     * store knows which event it refused, only the source's mapper what the sender calls it (a taken incident id is a
     * CloudEvent's {@code subject}).
     */
    private void nameTheRefusedItem(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        WebhookSource source = exchange.getProperty(SOURCE, WebhookSource.class);
        WebhookRequest request = exchange.getProperty(REQUEST, WebhookRequest.class);
        if (caught instanceof TransitionRefusedException refused && refused.index() >= 0 && source != null && request != null) {
            ApiProblem problem = http.problems().toProblem(refused);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                    problem.withField(source.mapper().itemField(request, refused.index(), problem.field())));
        }
    }

    private String problemTitle(byte[] problem) {
        try {
            return problem == null ? "" : json.readTree(problem).path("title").asText("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static WebhookSource source(Exchange exchange) {
        WebhookSource source = exchange.getProperty(SOURCE, WebhookSource.class);
        if (source == null) {
            throw new IllegalStateException("webhooks.authenticate must run before this step");
        }
        return source;
    }

    /**
     * A transition the store refused inside a sender's batch, as the reply's {@code refused} entry naming the item as
     * the source's mapper knows it.
     */
    private ObjectNode refusedItem(Exchange exchange, AppendRejectedException refusal) {
        ApiProblem problem = http.problems().toProblem(refusal);
        WebhookRequest request = exchange.getProperty(REQUEST, WebhookRequest.class);
        String field = source(exchange).mapper().itemField(request, refusal.index(), problem.field());
        return replies.refusedEntry(refusal.index(), field, problem);
    }
}
