package dev.incidentgateway.api;

import dev.incidentgateway.security.Redact;
import dev.incidentgateway.security.RefusalLog;
import dev.incidentgateway.store.StoreOutage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.AppendOutcomeUnknownException;
import dev.incidentgateway.timeline.AppendQueueFullException;
import dev.incidentgateway.timeline.IncidentNotFoundException;
import dev.incidentgateway.timeline.InvalidEventException;
import dev.incidentgateway.timeline.SeqConflictException;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TransitionRefusedException;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.UnreadableEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The one place where a failure becomes an HTTP answer (RFC 9457 problem+json). Transient failures are
 * 503 with Retry-After, never 4xx: senders such as Alertmanager drop 4xx replies for good.
 */
public final class ProblemMapper {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    private final ObjectMapper json;
    private final StoreOutage outage;
    /** A full append queue under load is a flood of refusals: a WARN for the first, then one a minute with the count. */
    private final RefusalLog queueFull = new RefusalLog(java.time.Clock.systemUTC());

    public ProblemMapper(ObjectMapper json) {
        this(json, StoreOutage.untracked());
    }

    /** @param outage the store's outage: while it is known, each 503 it causes is counted and logged at DEBUG only */
    public ProblemMapper(ObjectMapper json, StoreOutage outage) {
        this.json = json;
        this.outage = outage;
    }

    public ApiProblem toProblem(Throwable error) {
        if (error instanceof ApiProblem p) {
            return p;
        }
        if (error instanceof InvalidEventException e) {
            return ApiProblem.invalidField(e.field(), e.getMessage());
        }
        if (error instanceof IncidentNotFoundException e) {
            return ApiProblem.notFound(e.getMessage());
        }
        if (error instanceof TransitionRefusedException e) {
            // A declare of an id that is taken: the id is at fault (the caller sent no type).
            boolean exists = e instanceof dev.incidentgateway.timeline.IncidentExistsException;
            List<String> allowed = IncidentStateMachine.allowedAfter(e.current()).stream().map(EventType::wireName).toList();
            String hint = exists ? null : IncidentStateMachine.hint(e.current(), e.attempted(), e.refusedTarget());
            String detail = e.getMessage() + (hint == null ? "" : "; " + hint) + (exists ? "" : ". Allowed now: " + String.join(", ", allowed));
            return new ApiProblem(409, "transition-refused", "Transition refused", detail, exists ? "id" : "type", Map.of())
                    .withExtras(Map.of("currentStatus", e.current().wireName(), "attemptedType", e.attempted().wireName(),
                            "allowedTypes", allowed));
        }
        if (error instanceof SeqConflictException e) {
            return new ApiProblem(409, "seq-conflict", "Sequence conflict", e.getMessage(), "expectedSeq", Map.of())
                    .withExtras(Map.of("expectedSeq", e.expected(), "actualSeq", e.actual()));
        }
        if (error instanceof UnreadableEventException e) {
            return unreadable(e);
        }
        if (error instanceof java.sql.SQLException e) {
            error = new StoreUnavailableException("the store failed: " + e.getMessage(), e);
        }
        if (error instanceof AppendOutcomeUnknownException e) {
            StoreOutage.log(LOG, outage.refused(), "Append outcome unknown: {}", Redact.text(e.getMessage()));
            return new ApiProblem(503, "append-outcome-unknown", "Append outcome unknown",
                    "The store did not confirm this append in time; it may or may not have been stored. Retrying with the "
                            + "same Idempotency-Key (or CloudEvent id) is safe: it is stored at most once.", null,
                    Map.of("Retry-After", "5"));
        }
        if (error instanceof AppendQueueFullException e) { // the store answers but does not keep up: no outage to log it
            queueFull.refused("appends: the append queue is full", 503, e.getMessage() + ". The store does not keep up with the "
                    + "appends coming in: see gateway_append_group_commit_seconds (the database's time per group) and the "
                    + "pool's hikaricp_connections_pending; senders retry after Retry-After");
        } else if (error instanceof StoreUnavailableException e) {
            StoreOutage.log(LOG, outage.refused(), "Store unavailable: {}", Redact.text(e.getMessage()));
        }
        if (error instanceof StoreUnavailableException) {
            return new ApiProblem(503, "store-unavailable", "Store unavailable",
                    "The timeline store cannot take requests right now; nothing was stored. Retry later.", null,
                    Map.of("Retry-After", "5"));
        }
        // Messages quote what they were given (request bodies, row values): the log gets them redacted and cut,
        // with where it happened; the full stack trace only at DEBUG.
        StackTraceElement[] where = error.getStackTrace();
        LOG.error("Unexpected error while handling a request: {}{}", Redact.error(error), where.length == 0 ? "" : " at " + where[0]);
        LOG.debug("Unexpected error while handling a request", error);
        return new ApiProblem(500, "internal-error", "Internal error", "An unexpected error occurred; nothing was stored.");
    }

    /**
     * 500 {@code unreadable-event}: neither the caller's fault (4xx) nor a passing one (503 would have clients retry a
     * read that fails the same way until the log is repaired). Logged at ERROR once per event, not once per request.
     */
    private static ApiProblem unreadable(UnreadableEventException e) {
        if (UNREADABLE_LOGGED.size() < MAX_UNREADABLE_LOGGED && UNREADABLE_LOGGED.add(e.eventId())) {
            LOG.error("The store holds an event the gateway cannot read: {}. The log was changed outside the gateway: run "
                    + "`verify` (logged once per event)", e.getMessage());
        } else {
            LOG.debug("Unreadable event answered again: {}", e.getMessage());
        }
        return new ApiProblem(500, "unreadable-event", "Unreadable event in the store", "The store holds event " + e.eventId()
                + ", which the gateway cannot read (" + e.reason() + "): it was changed outside the gateway. Retrying will not "
                + "help; run `java -jar incident-gateway.jar verify` to check the audit chain.", null, Map.of())
                .withExtras(Map.of("eventId", e.eventId()));
    }

    /** Event ids already logged as unreadable (bounded: an admin could break many rows). */
    private static final java.util.Set<String> UNREADABLE_LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_UNREADABLE_LOGGED = 10_000;

    public byte[] render(ApiProblem p, String instance) {
        ObjectNode body = json.createObjectNode();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        if (instance != null) {
            body.put("instance", instance);
        }
        if (p.field() != null) {
            body.put("field", p.field());
        }
        p.extras().forEach((k, v) -> body.set(k, json.valueToTree(v)));
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
