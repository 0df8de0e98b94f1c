package dev.incidentgateway.stream;

import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineStore;
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

    public StreamHttpHandler(ApiAuthPolicyFactory auth, StreamBroadcaster broadcaster, TimelineStore store, int maxSubscribers) {
        this.auth = auth;
        this.broadcaster = broadcaster;
        this.store = store;
        this.maxSubscribers = maxSubscribers;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String authorization = request.getHeader("Authorization");
        ctx.vertx().executeBlocking(() -> auth.decide(PATH, "GET", authorization), false).onComplete(decided -> {
            if (decided.failed()) {
                refuse(ctx, new ApiProblem(503, "stream-unavailable", "Stream unavailable",
                        "The credential could not be checked; retry shortly.", null, Map.of("Retry-After", "1")));
                return;
            }
            ApiAuthPolicyFactory.Decision decision = decided.result();
            if (decision.refusal() != null) {
                auth.countRefusal(decision.refusal());
                refuse(ctx, decision.refusal());
                return;
            }
            try {
                open(ctx, filter(request), lastEventId(request));
            } catch (ApiProblem badInput) {
                refuse(ctx, badInput);
            }
        });
    }

    private void open(RoutingContext ctx, StreamFilter filter, String lastEventId) {
        if (ctx.response().closed()) {
            return;
        }
        if (!broadcaster.reserve(maxSubscribers)) {
            refuse(ctx, new ApiProblem(503, "too-many-streams", "Too many streams", "This gateway serves " + maxSubscribers
                    + " live streams at most (GATEWAY_STREAM_MAX_SUBSCRIBERS); retry shortly or use another instance.",
                    null, Map.of("Retry-After", "5")));
            return;
        }
        HttpServerResponse response = ctx.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no"); // reverse proxies must pass each event on at once
        response.write(Buffer.buffer(": stream open\n\n")); // sends the head now: the client knows it is subscribed
        new StreamSubscriber(broadcaster, broadcaster.group(ctx.vertx().getOrCreateContext()), response, filter, store,
                ctx.vertx(), lastEventId).start();
    }

    static StreamFilter filter(HttpServerRequest request) {
        String incident = request.getParam("incident");
        if (incident != null && incident.isEmpty()) {
            incident = null;
        }
        if (incident != null && !IncidentRequestParser.INCIDENT_ID.matcher(incident).matches()) {
            throw ApiProblem.invalidField("incident", "incident must be an incident id like INC-42");
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        String raw = request.getParam("types");
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
        String after = request.getParam("after");
        return after == null || after.isEmpty() ? null : checkedId("after", after);
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
        response.setStatusCode(problem.status()).putHeader("Content-Type", ProblemMapper.CONTENT_TYPE);
        problem.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(auth.render(problem, ctx.request().path())));
    }
}
