package dev.incidentgateway.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import org.apache.camel.builder.RouteBuilder;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's view of the outbox: {@code GET /api/v1/outbox?connector=&status=&after=&limit=},
 * {@code POST /api/v1/outbox/{id}/replay} (a dead row goes again, and the incident's held-back rows follow)
 * and {@code POST /api/v1/outbox/{id}/skip} (give the row up, releasing the rows behind it). Both change a row
 * only in the state they expect, in the UPDATE itself: a row being delivered right now cannot be skipped (409
 * outbox-in-flight) and its delivery's outcome is recorded. {@code POST /api/v1/outbox/replay?connector=&incident=&since=&until=&deadReason=}
 * replays every dead row of one connector that matches ({@link DeadReplayFilter}, {@link DeadReplay}), e.g. after a
 * revoked token killed a storm's deliveries.
 */
public final class OutboxApi extends RouteBuilder {
    private static final Set<String> STATUSES = Set.of("pending", "delivered", "dead", "skipped");
    /** Ids listed in a bulk replay's answer (the count is always whole): an answer stays small after a large storm. */
    static final int MAX_IDS_LISTED = 1000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboxApi.class);

    private final OutboxStore outbox;
    private final ObjectMapper json;
    private final dev.incidentgateway.api.ApiEndpoint.Settings endpoints;
    private final Clock clock;
    private final DeadReplay deadReplay;
    /** The store's gate ({@code TimelineStore::refuseWhileDown}): throws at once while the health probe fails. */
    private final Runnable refuseWhileDown;

    public OutboxApi(OutboxStore outbox, ObjectMapper json, dev.incidentgateway.api.ApiEndpoint.Settings endpoints, Clock clock,
                     Runnable refuseWhileDown) {
        this.refuseWhileDown = refuseWhileDown;
        this.outbox = outbox;
        this.json = json;
        this.endpoints = endpoints;
        this.clock = clock;
        this.deadReplay = new DeadReplay(outbox.dataSource());
    }

    @Override
    public void configure() {
        // Through the store's gate, like the API's other reads: the outbox's own queries use the pool directly, and each
        // answer waited the pool's 5 s connection timeout for a store the probe already knew to be DOWN.
        from("platform-http:/api/v1/outbox?httpMethodRestrict=GET").routeId("api-outbox-list")
                .process(endpoints.read(req -> gated(this::list, req)));
        from("platform-http:/api/v1/outbox/{id}/replay?httpMethodRestrict=POST").routeId("api-outbox-replay")
                .process(endpoints.read(req -> gated(r -> change(r, true), req)));
        from("platform-http:/api/v1/outbox/replay?httpMethodRestrict=POST").routeId("api-outbox-replay-dead")
                .process(endpoints.read(req -> gated(this::replayDead, req)));
        from("platform-http:/api/v1/outbox/{id}/skip?httpMethodRestrict=POST").routeId("api-outbox-skip")
                .process(endpoints.read(req -> gated(r -> change(r, false), req)));
    }

    private ApiResponse gated(dev.incidentgateway.api.ApiEndpoint.Handler handler, ApiRequest req) throws Exception {
        refuseWhileDown.run();
        return handler.handle(req);
    }

    ApiResponse list(ApiRequest req) throws SQLException, JsonProcessingException {
        String status = req.query("status");
        if (status != null && !status.isEmpty() && !STATUSES.contains(status)) {
            throw ApiProblem.invalidField("status", "status must be one of pending, delivered, dead, skipped");
        }
        int limit = number(req, "limit", 100, 1, 1000);
        long after = number(req, "after", 0, 0, Long.MAX_VALUE);
        String connector = req.query("connector");
        List<OutboxRow> rows = outbox.list(connector == null || connector.isEmpty() ? null : connector,
                status == null || status.isEmpty() ? null : status, after, limit);
        return ApiResponse.json(200, json.writeValueAsBytes(Map.of("items", rows)));
    }

    ApiResponse change(ApiRequest req, boolean replay) throws SQLException, JsonProcessingException {
        String raw = req.pathSegment(3); // /api/v1/outbox/{id}/...
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiProblem.notFound("outbox row " + raw + " does not exist");
        }
        outbox.row(id).orElseThrow(() -> ApiProblem.notFound("outbox row " + id + " does not exist"));
        // The UPDATE itself checks the state (no read-then-write race with a delivery); the row is read again only
        // to say why it refused.
        Instant now = clock.instant();
        boolean changed = replay ? outbox.replay(id, now) : outbox.skip(id, now);
        if (!changed) {
            OutboxRow row = outbox.row(id).orElseThrow(() -> ApiProblem.notFound("outbox row " + id + " does not exist"));
            if (!replay && outbox.inFlight(id, now)) {
                throw new ApiProblem(409, "outbox-in-flight", "Delivery in flight", "outbox row " + id + " is being delivered "
                        + "right now; its outcome will be recorded. Skip it once it is dead or waiting for a retry.");
            }
            throw new ApiProblem(409, "outbox-state", "Not possible in this state", "outbox row " + id + " is " + row.status()
                    + (replay ? "; only dead or skipped rows can be replayed" : "; only dead or pending rows can be skipped"));
        }
        return ApiResponse.json(200, json.writeValueAsBytes(outbox.row(id).orElseThrow()));
    }

    /** POST /api/v1/outbox/replay → 200 {"connector","replayed":n,"ids":[…first 1000]}; 400 naming a bad filter. */
    ApiResponse replayDead(ApiRequest req) throws SQLException, JsonProcessingException {
        DeadReplayFilter filter = DeadReplayFilter.of(req);
        if (!deadReplay.knows(filter.connector())) {
            throw ApiProblem.invalidField("connector", "no outbox row has connector '" + filter.connector() + "'");
        }
        List<Long> ids = deadReplay.replay(filter, clock.instant());
        // A bulk change to many incidents' deliveries: the log says who asked for it and what it matched.
        LOG.info("Outbox: {} replayed {} dead deliveries to {} (incident {}, since {}, until {}, deadReason {})",
                req.principal() == null ? "-" : req.principal().name(), ids.size(), filter.connector(), orAny(filter.incidentId()),
                orAny(filter.since()), orAny(filter.until()), filter.deadReason() == null ? "any" : dev.incidentgateway.security.Redact.text(filter.deadReason()));
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("connector", filter.connector());
        body.put("replayed", ids.size());
        body.put("ids", ids.subList(0, Math.min(ids.size(), MAX_IDS_LISTED)));
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }

    private static Object orAny(Object filterValue) {
        return filterValue == null ? "any" : filterValue;
    }

    private static long number(ApiRequest req, String name, long dflt, long min, long max) {
        String raw = req.query(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalidField(name, name + " must be a whole number from " + min + " to " + max);
    }

    private static int number(ApiRequest req, String name, int dflt, int min, int max) {
        return (int) number(req, name, (long) dflt, min, max);
    }
}
