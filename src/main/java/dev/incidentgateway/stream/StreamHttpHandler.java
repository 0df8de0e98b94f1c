package dev.incidentgateway.stream;

import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.api.QueryParameters;
import dev.incidentgateway.security.HeldCredential;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineStore;
import dev.incidentgateway.transport.HeldPerCaller;
import dev.incidentgateway.transport.HttpEdge;
import dev.incidentgateway.transport.ProblemResponses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/stream}: Server-Sent Events, served on the Vert.x event loop rather than as a Camel route,
 * because a Camel platform-http exchange holds a worker thread until it writes one whole response, and an open
 * stream must hold no thread at all. Authorization is still the API's: the same {@link ApiAuthPolicyFactory}
 * decision (route table, credentials, scope {@code read}, rate limit, problem bodies), run off the event loop.
 */
public final class StreamHttpHandler implements Handler<RoutingContext> {
    public static final String PATH = "/api/v1/stream";
    private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    private final ApiAuthPolicyFactory auth;
    private final StreamBroadcaster broadcaster;
    private final TimelineStore store;
    private final int maxSubscribers;
    /** Open streams by principal name. */
    private final HeldPerCaller openByPrincipal;
    /** The byte budget of a replay page (GATEWAY_PAGE_MAX_BYTES). */
    private final long replayMaxBytes;

    public StreamHttpHandler(ApiAuthPolicyFactory auth, StreamBroadcaster broadcaster, TimelineStore store, int maxSubscribers,
                             int maxPerPrincipal, long replayMaxBytes) {
        this.auth = auth;
        this.broadcaster = broadcaster;
        this.store = store;
        this.maxSubscribers = maxSubscribers;
        this.openByPrincipal = new HeldPerCaller(maxPerPrincipal);
        this.replayMaxBytes = replayMaxBytes;
    }

    /**
     * A request checked off the event loop: refused, or the stream to open for {@code principal}, whose
     * {@code credential} the stream checks again while it is open.
     */
    private record Checked(ApiProblem refusal, StreamFilter filter, String after, String principal, HeldCredential credential) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String authorization = request.getHeader("Authorization");
        ctx.vertx().executeBlocking(() -> check(authorization, request), false).onComplete(checked -> {
            if (checked.failed()) {
                refuse(ctx, new ApiProblem(503, "stream-unavailable", "Stream unavailable",
                        "The stream cannot be opened right now; retry shortly.", null, Map.of("Retry-After", "1")));
            } else if (checked.result().refusal() != null) {
                refuse(ctx, checked.result().refusal());
            } else {
                open(ctx, checked.result());
            }
        });
    }

    /**
     * Authorization first (a caller without a credential learns nothing about the parameters), then the parameters.
     * Without a Last-Event-ID the stream starts after the newest event committed now: the same path as a resume, so
     * whichever way the broadcaster is fed (commit hook or Since-feed tail) a new stream gets exactly the events
     * committed after it was requested.
     */
    private Checked check(String authorization, HttpServerRequest request) {
        ApiAuthPolicyFactory.Decision decision = auth.decide(PATH, "GET", authorization);
        if (decision.refusal() != null) {
            return new Checked(decision.refusal(), null, null, null, null); // counted where it is answered
        }
        try {
            QueryParameters.check("GET", PATH, request.params().names());
            StreamFilter filter = filter(request);
            String after = lastEventId(request);
            if (after != null) {
                // A resume reads nothing here, so it opened with 200 while the store was known down and then closed without
                // a word; a new stream's read of the newest id already answers 503 then.
                store.refuseWhileDown();
            }
            return new Checked(null, filter, after != null ? after : store.newestEventId().orElse(null), decision.principal().name(),
                    auth.held(authorization));
        } catch (ApiProblem badInput) {
            return new Checked(badInput, null, null, null, null);
        }
    }

    private void open(RoutingContext ctx, Checked checked) {
        if (ctx.response().closed()) {
            return;
        }
        if (HttpEdge.askedWithHead(ctx)) { // the stream's head only: no subscription that would live until the client closes
            streamHead(ctx.response()).end();
            return;
        }
        String principal = checked.principal();
        if (!openByPrincipal.tryAcquire(principal)) {
            // 429, not the 503 below: the caller's own streams fill its share, another instance would not help
            refuse(ctx, new ApiProblem(429, "too-many-streams-per-principal", "Too many streams for this caller", principal + " has "
                    + openByPrincipal.max() + " live streams open, the most one caller may (GATEWAY_STREAM_MAX_PER_PRINCIPAL); close one "
                    + "or retry later.", null, Map.of("Retry-After", "5")));
            return;
        }
        if (!broadcaster.reserve(maxSubscribers)) {
            openByPrincipal.release(principal);
            refuse(ctx, new ApiProblem(503, "too-many-streams", "Too many streams", "This gateway serves " + maxSubscribers
                    + " live streams at most (GATEWAY_STREAM_MAX_SUBSCRIBERS); retry shortly or use another instance.",
                    null, Map.of("Retry-After", "5")));
            return;
        }
        HttpServerResponse response = streamHead(ctx.response()).setChunked(true);
        response.write(Buffer.buffer(": stream open\n\n")); // sends the head now: the client knows it is subscribed
        StreamSubscriber subscriber = new StreamSubscriber(broadcaster, broadcaster.group(ctx.vertx().getOrCreateContext()),
                ctx.request(), response, checked.filter(), store, ctx.vertx(), checked.after(), replayMaxBytes, checked.credential());
        // Registered in the event-loop turn that checked closed() above: a client gone by now still runs it, so its share returns
        ctx.addEndHandler(ended -> {
            subscriber.closed();
            openByPrincipal.release(principal);
        });
        subscriber.start();
    }

    private static HttpServerResponse streamHead(HttpServerResponse response) {
        return response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no"); // reverse proxies must pass each event on at once
    }

    static StreamFilter filter(HttpServerRequest request) {
        String incident = param(request, "incident");
        if (incident != null && incident.isEmpty()) {
            incident = null;
        }
        if (incident != null && !IncidentRequestParser.INCIDENT_ID.matcher(incident).matches()) {
            throw ApiProblem.invalidField("incident", "incident must be an incident id like INC-42");
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        String raw = param(request, "types");
        if (raw != null && !raw.isBlank()) {
            for (String name : raw.split(",")) {
                Optional<EventType> type = EventType.fromWire(name.trim());
                if (type.isEmpty()) {
                    throw ApiProblem.invalidField("types", "types must be a comma-separated list of event types ("
                            + String.join(", ", java.util.Arrays.stream(EventType.values()).map(EventType::wireName).toList())
                            + "); '" + name.trim() + "' is not one");
                }
                types.add(type.get());
            }
        }
        return new StreamFilter(incident, types);
    }

    /** The id to resume after: the {@code Last-Event-ID} header (what EventSource sends), else {@code ?after=}. */
    static String lastEventId(HttpServerRequest request) {
        String header = request.getHeader("Last-Event-ID");
        if (header != null && !header.isBlank()) {
            return checkedId("Last-Event-ID", header.trim());
        }
        String after = param(request, "after");
        return after == null || after.isEmpty() ? null : checkedId("after", after);
    }

    /** A query parameter given at most once (which of two values was meant is the sender's to say). */
    private static String param(HttpServerRequest request, String name) {
        java.util.List<String> values = request.params().getAll(name);
        if (values.size() > 1) {
            throw ApiProblem.givenTwice(name);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static String checkedId(String field, String id) {
        if (!ULID.matcher(id).matches()) {
            throw ApiProblem.invalidField(field, field + " must be an event id (a 26-character ULID)");
        }
        return id;
    }

    private void refuse(RoutingContext ctx, ApiProblem problem) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        ProblemResponses.end(response, problem, auth.render(problem, ctx.request().path()));
    }
}
