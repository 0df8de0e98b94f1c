package dev.incidentgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.ChainVerifier;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Handlers of the incident REST API ({@code /api/v1}). Each answers once the store has committed; the
 * routes that bind them to paths are in {@link IncidentApiRoute}.
 */
public final class IncidentApi {
    private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    private static final int MAX_LIMIT = 1000;

    private final TimelineStore store;
    private final ChainVerifier verifier;
    private final IncidentRequestParser parser;
    private final TimelineCloudEventMapper cloudEvents;
    private final ObjectMapper json;
    private final ExternalRefs refs;
    private final long pageMaxBytes;
    private final VerifyFindings verifyFindings;

    /** @param pageMaxBytes the byte budget of a timeline or Since page (GATEWAY_PAGE_MAX_BYTES) */
    public IncidentApi(TimelineStore store, IncidentRequestParser parser, TimelineCloudEventMapper cloudEvents, ObjectMapper json,
                       ExternalRefs refs, long pageMaxBytes, MeterRegistry meters) {
        this.pageMaxBytes = pageMaxBytes;
        this.verifyFindings = new VerifyFindings(meters);
        this.store = store;
        this.refs = refs;
        this.verifier = store.verifier();
        this.parser = parser;
        this.cloudEvents = cloudEvents;
        this.json = json;
    }

    /**
     * POST /api/v1/incidents → 201 + Location. 200 with the existing incident when the Idempotency-Key was
     * seen ({@code event} is the original declare) or the correlationKey has an open incident
     * ({@code correlated: true}, {@code event} null; {@code escalation}: the state_change that raised the incident to the
     * declare's higher severity, when it had a lower one).
     */
    public CompletableFuture<ApiResponse> declare(ApiRequest req, Executor afterCommit) throws JsonProcessingException {
        NewEvent event = parser.declare(req.body(), req.singleHeader("Idempotency-Key")).withPrincipal(principal(req));
        // The answer reads the incident's view once committed: on an HTTP worker, as the request was parsed.
        return store.appendAllAsync(List.of(event)).thenApplyAsync(answer(this::declared), afterCommit);
    }

    private ApiResponse declared(AppendOutcome outcome) throws JsonProcessingException {
        String id = outcome.incidentId();
        Incident incident = store.incident(id).orElseThrow(() -> ApiProblem.notFound("incident " + id + " does not exist"));
        ObjectNode body = json.valueToTree(incident);
        boolean correlated = outcome.kind() == AppendOutcome.Kind.CORRELATED;
        // A correlated declare's event is the escalation, if any: in a field of its own, as "event" is the declare
        body.set("event", correlated ? null : json.valueToTree(outcome.event()));
        if (correlated) {
            body.put("correlated", true);
            if (outcome.event() != null) {
                body.set("escalation", json.valueToTree(outcome.event()));
            }
        }
        return ApiResponse.json(outcome.kind() == AppendOutcome.Kind.APPENDED ? 201 : 200, json.writeValueAsBytes(body))
                .withHeader("Location", "/api/v1/incidents/" + id);
    }

    /**
     * POST /api/v1/incidents/{id}/events → 201 with the stored event (200 with the original on a repeat), once committed.
     * Bad input fails here, before anything is queued; the answer is built when the group commits, without a thread
     * waiting for it ({@link AsyncApiEndpoint}).
     */
    public CompletableFuture<ApiResponse> appendEvent(ApiRequest req) throws JsonProcessingException {
        String id = incidentId(req);
        NewEvent event = parser.event(id, req.body(), req.singleHeader("Idempotency-Key")).withPrincipal(principal(req));
        return store.appendAllAsync(List.of(event)).thenApply(answer(this::appended));
    }

    private ApiResponse appended(AppendOutcome outcome) throws JsonProcessingException {
        return ApiResponse.json(outcome.duplicate() ? 200 : 201, json.writeValueAsBytes(outcome.event()))
                // The event's own incident: a replay's original may be another incident's than this request's path.
                .withHeader("Location", "/api/v1/incidents/" + outcome.event().incidentId() + "/timeline?after=" + outcome.event().id());
    }

    /** How a one-event append is answered once committed (writing the JSON may throw). */
    @FunctionalInterface
    private interface Answer {
        ApiResponse of(AppendOutcome outcome) throws JsonProcessingException;
    }

    /** {@code answer} as a completion stage: a JSON failure fails the future (AsyncApiEndpoint answers it as problem+json). */
    private static java.util.function.Function<List<AppendOutcome>, ApiResponse> answer(Answer answer) {
        return outcomes -> {
            try {
                return answer.of(outcomes.get(0));
            } catch (JsonProcessingException e) {
                throw new CompletionException(e);
            }
        };
    }

    /**
     * GET /api/v1/incidents/{id}: the incident, plus {@code allowedEvents}, the event types its status accepts now
     * (IncidentStateMachine), so a client can offer only those, and {@code externalRefs}, the ticket or thread each
     * connector holds for it, so a responder gets from the incident to INC0010001 or OPS-1.
     */
    public ApiResponse incident(ApiRequest req) throws java.sql.SQLException, JsonProcessingException {
        Incident incident = existing(incidentId(req));
        com.fasterxml.jackson.databind.node.ObjectNode body = json.valueToTree(incident);
        com.fasterxml.jackson.databind.node.ArrayNode allowed = body.putArray("allowedEvents");
        IncidentStateMachine.allowedAfter(incident.status()).forEach(type -> allowed.add(type.wireName()));
        com.fasterxml.jackson.databind.node.ArrayNode linked = body.putArray("externalRefs");
        refs.ofIncident(incident.id()).forEach(ref -> linked.add(externalRef(ref)));
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }

    /**
     * One ref as stored, named as a poller's {@code data.externalRef} names it. The {@code url} is the one the connector
     * stored when it made the ticket (built from its configured base URL: ServiceNow's nav_to.do, Jira's /browse/<key>,
     * Slack's permalink with {@code workspaceUrl}), so reading the incident calls no vendor; absent fields are left out.
     */
    private ObjectNode externalRef(ExternalRef ref) {
        ObjectNode node = json.createObjectNode().put("connector", ref.connector()).put("externalId", ref.externalId());
        if (ref.externalKey() != null) {
            node.put("externalKey", ref.externalKey());
        }
        if (ref.channel() != null) {
            node.put("channel", ref.channel());
        }
        if (ref.url() != null) {
            node.put("url", ref.url());
        }
        return node;
    }

    /**
     * GET /api/v1/incidents?status=&severity=&limit= → {"incidents":[...]}, newest first. {@code status} and
     * {@code severity} are comma lists ({@code status=open}: every status but resolved and closed).
     */
    public ApiResponse incidents(ApiRequest req) throws JsonProcessingException {
        List<Incident> list = store.incidents(IncidentListFilter.statuses(req.query("status")),
                IncidentListFilter.severities(req.query("severity")), limit(req, 50));
        return ApiResponse.json(200, json.writeValueAsBytes(Map.of("incidents", list)));
    }

    /**
     * GET /api/v1/incidents/{id}/timeline?after=&limit= → {"incidentId", "events":[...], "nextAfter"}. A page with events
     * proves the incident exists: only an empty page costs the second query that tells 404 from "nothing after". A page
     * stops before the event that would take it past the byte budget ({@link BoundedPage}); {@code nextAfter} then
     * names where to go on, as after a full page.
     */
    public ApiResponse timeline(ApiRequest req) throws JsonProcessingException {
        String id = incidentId(req);
        int limit = limit(req, 50);
        BoundedPage page = new BoundedPage(pageMaxBytes);
        store.streamed().timeline(id, after(req), limit, e -> page.add(e.id(), bytes(e)));
        if (page.count() == 0) {
            existing(id);
        }
        String next = page.next(page.count() == limit);
        return ApiResponse.json(200, page.render("{\"incidentId\":" + json.writeValueAsString(id) + ",\"events\":",
                ",\"nextAfter\":" + json.writeValueAsString(next) + "}"));
    }

    private byte[] bytes(TimelineEvent e) {
        try {
            return json.writeValueAsBytes(e);
        } catch (JsonProcessingException unexpected) {
            throw new java.io.UncheckedIOException(unexpected);
        }
    }

    /**
     * GET /api/v1/incidents/{id}/verify → the audit chain check of one incident and of its view against its log. An
     * incident is there if it has events or a view row: the view is not read as an {@link Incident} first, since a view
     * row changed to an unknown status could not be, and that is one of the things this check reports.
     */
    public ApiResponse verify(ApiRequest req) throws Exception {
        String id = incidentId(req);
        ChainVerifier.Report report = verifier.verify(id);
        if (report.incidents() == 0) {
            throw ApiProblem.notFound("incident " + id + " does not exist");
        }
        ObjectNode body = json.createObjectNode();
        body.put("incidentId", id);
        verifyFindings.found(id, report);
        body.put("intact", report.intact());
        body.put("eventsChecked", report.events());
        if (!report.intact()) {
            body.set("firstBrokenLink", json.valueToTree(report.broken().get(0)));
            body.set("brokenLinks", json.valueToTree(report.broken()));
        }
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }

    /**
     * GET /api/v1/events?after=&limit= — the Since feed of every incident, as a CloudEvents batch. The next page starts
     * after the last id returned, given as a Link header when the page is full or was closed at the byte budget
     * ({@link BoundedPage}): a client that follows it gets every event once.
     */
    public ApiResponse since(ApiRequest req) {
        int limit = limit(req, 100);
        BoundedPage page = new BoundedPage(pageMaxBytes);
        store.streamed().since(after(req), limit, e -> page.add(e.id(), cloudEvents.serialize(e)));
        ApiResponse response = new ApiResponse(200, TimelineCloudEventMapper.BATCH_CONTENT_TYPE, page.render("", ""), Map.of());
        String next = page.next(page.count() == limit);
        if (next != null) {
            response = response.withHeader("Link", "</api/v1/events?after=" + next + "&limit=" + limit + ">; rel=\"next\"");
        }
        return response;
    }

    /** The authenticated caller, recorded on the event; the body cannot choose it. */
    private static String principal(ApiRequest req) {
        return req.principal() == null ? null : req.principal().name();
    }

    private Incident existing(String id) {
        return store.incident(id).orElseThrow(() -> ApiProblem.notFound("incident " + id + " does not exist"));
    }

    private static String incidentId(ApiRequest req) {
        String id = req.pathSegment(3); // /api/v1/incidents/{id}/...
        if (id == null || !IncidentRequestParser.INCIDENT_ID.matcher(id).matches()) {
            throw ApiProblem.notFound("incident " + id + " does not exist (ids look like INC-42)");
        }
        return id;
    }

    private static String after(ApiRequest req) {
        String after = req.query("after");
        if (after == null || after.isEmpty()) {
            return null;
        }
        if (!ULID.matcher(after).matches()) {
            throw ApiProblem.invalidField("after", "after must be an event id (a 26-character ULID)");
        }
        return after;
    }

    private static int limit(ApiRequest req, int defaultLimit) {
        String raw = req.query("limit");
        if (raw == null || raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalidField("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
