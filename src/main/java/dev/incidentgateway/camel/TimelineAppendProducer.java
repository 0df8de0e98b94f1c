package dev.incidentgateway.camel;

import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.timeline.AppendMode;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.InvalidEventException;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.SourcePage;
import dev.incidentgateway.timeline.TimelineStore;
import io.cloudevents.CloudEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.AsyncCallback;
import org.apache.camel.support.DefaultAsyncProducer;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Appends the exchange's body through {@link TimelineStore} (group commit and every append guarantee unchanged).
 *
 * <table>
 *   <caption>Bodies</caption>
 *   <tr><th>in body</th><th>appended</th><th>out</th></tr>
 *   <tr><td>one event: the gateway's {@link NewEvent}, an SDK {@link CloudEvent}, or a structured CloudEvent's JSON
 *   ({@code byte[]} or {@code String}; mapped exactly as on {@code POST /webhooks/cloudevents})</td>
 *   <td>{@link TimelineStore#append}</td>
 *   <td>body = the stored {@code TimelineEvent}; headers {@value #EVENT_ID}, {@value #INCIDENT_ID}, {@value #EVENT_SEQ},
 *   {@value #DUPLICATE} ({@code true} when the event's idempotency id was stored before: the original is returned),
 *   {@code TimelineOutcome} ({@code appended}, {@code duplicate}, or, with no event stored and the
 *   {@code AppendOutcome} as the body, {@code correlated}: an open incident with the same correlation key counted a
 *   repeat (when the event's severity was higher, the outcome's {@code event} is the state_change that escalated the
 *   incident, and {@value #EVENT_ID} / {@value #EVENT_SEQ} name it), {@code ignored}: no open incident has the key). Both bodies convert to JSON ({@link TimelineReplyConverter}),
 *   so a {@code platform-http} route answers its caller with them; {@code Content-Type} is set to
 *   {@code application/json}</td></tr>
 *   <tr><td>a batch: a {@code List} whose elements are any of the above (a webhook request's events)</td>
 *   <td>{@link TimelineStore#appendAll}: all or nothing, in one transaction; nothing is stored when any event is
 *   refused (the refusal is thrown); with the exchange property {@value TimelineHeaders#APPEND_MODE} {@code SENDER_BATCH},
 *   a repeat of an incident's state is ignored and a refused transition is a REFUSED outcome, the rest committing together</td>
 *   <td>body = {@code List<AppendOutcome>}, one per event in order (appended, duplicate, correlated, ignored); an empty
 *   list appends nothing and answers an empty list</td></tr>
 *   <tr><td>a poller's page: {@link SourcePage} (events + the source's new watermark)</td>
 *   <td>{@link TimelineStore#appendPolled}: best effort per event (a refused or invalid one is REFUSED and skipped),
 *   and the watermark commits in the same transaction as the events</td>
 *   <td>body = {@code List<AppendOutcome>}, one per event in order</td></tr>
 * </table>
 *
 * <p>Every event is recorded under the exchange's principal: the one its route authenticated (an HTTP caller, a
 * webhook source's {@code webhook:<name>}, a poller's {@code poller:<name>}: exchange property
 * {@code gateway.principal}), else the endpoint's {@code principal=system:…}, else {@code system:route:<routeId>};
 * never a name the body carries.
 *
 * <p>Refusals are typed exceptions, for a route's {@code onException}: {@code InvalidEventException} or, from the
 * CloudEvents mapping, {@code ApiProblem} (bad input, naming the field), {@code TransitionRefusedException}, {@code IncidentNotFoundException},
 * {@code SeqConflictException}; the store's own trouble is {@code StoreUnavailableException} or
 * {@code AppendOutcomeUnknownException} (a retry with the same idempotency id is safe).
 */
public final class TimelineAppendProducer extends DefaultAsyncProducer {
    public static final String EVENT_ID = TimelineHeaders.EVENT_ID;
    public static final String INCIDENT_ID = TimelineHeaders.INCIDENT_ID;
    public static final String EVENT_SEQ = TimelineHeaders.EVENT_SEQ;
    public static final String DUPLICATE = TimelineHeaders.DUPLICATE;
    private static final String NOT_AN_EVENT = "timeline:append takes a NewEvent, a CloudEvent or a CloudEvent's JSON (or a List of them, or a SourcePage), ";

    private final TimelineStore store;
    private final CloudEventsWebhookMapper cloudEvents;

    TimelineAppendProducer(TimelineAppendEndpoint endpoint, TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        super(endpoint);
        this.store = store;
        this.cloudEvents = cloudEvents;
    }

    /**
     * Asynchronous for a batch or one event: the calling thread (e.g. an HTTP worker) is free as soon as the request is
     * queued, and the exchange continues, on the store's completion pool, once its group has committed. A poller's page
     * is appended synchronously (timer routes have a thread of their own to wait with).
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletableFuture<List<AppendOutcome>> pending;
        Object single = null;
        try {
            Object body = exchange.getIn().getBody();
            if (body instanceof java.io.InputStream || body instanceof org.apache.camel.StreamCache) {
                body = exchange.getIn().getBody(byte[].class); // an HTTP request's body (platform-http hands a stream cache)
            }
            if (body instanceof java.util.Map<?, ?>) {
                refuseForm(exchange.getIn());
            }
            String principal = principal(exchange);
            if (body instanceof SourcePage page) {
                List<NewEvent> events = page.events().stream().map(e -> e.withPrincipal(principal)).toList();
                exchange.getMessage().setBody(page.isEmpty() ? List.of() : store.appendPolled(events, page.progress()));
                callback.done(true);
                return true;
            }
            if (body instanceof List<?> batch) {
                List<NewEvent> events = batch.stream().map(e -> event(e, null)).map(e -> e.withPrincipal(principal)).toList();
                pending = events.isEmpty() ? CompletableFuture.completedFuture(List.of())
                        : store.appendAllAsync(events, appendMode(exchange));
            } else {
                single = body;
                String key = blankToNull(exchange.getIn().getHeader(TimelineHeaders.CORRELATION_KEY, String.class));
                pending = store.appendAllAsync(List.of(withHeaderKeys(event(body, key), key, exchange.getIn()).withPrincipal(principal)));
            }
        } catch (RuntimeException refused) { // bad input: refused before anything was queued
            exchange.setException(refused);
            callback.done(true);
            return true;
        }
        boolean oneEvent = single != null;
        if (pending.isDone()) {
            complete(exchange, pending, oneEvent);
            callback.done(true);
            return true;
        }
        pending.whenComplete((outcomes, error) -> {
            complete(exchange, pending, oneEvent);
            callback.done(false);
        });
        return false;
    }

    private static AppendMode appendMode(Exchange exchange) {
        Object mode = exchange.getProperty(TimelineHeaders.APPEND_MODE);
        return mode == null ? AppendMode.ALL_OR_NOTHING : mode instanceof AppendMode m ? m
                : AppendMode.valueOf(mode.toString().trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** Sets the reply or the exception; never throws (the exchange must go on either way). */
    private static void complete(Exchange exchange, CompletableFuture<List<AppendOutcome>> done, boolean oneEvent) {
        try {
            reply(exchange, done.join(), oneEvent);
        } catch (CompletionException | CancellationException e) {
            exchange.setException(e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
    }

    private static void reply(Exchange exchange, List<AppendOutcome> outcomes, boolean oneEvent) {
        Message out = exchange.getMessage();
        if (!oneEvent) {
            out.setBody(outcomes);
            return;
        }
        AppendOutcome outcome = outcomes.get(0);
        out.setHeader(TimelineHeaders.OUTCOME, outcome.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.setHeader(DUPLICATE, outcome.duplicate());
        out.setHeader(INCIDENT_ID, outcome.incidentId());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json"); // written as JSON (TimelineReplyConverter), not the request's type
        if (outcome.kind() == AppendOutcome.Kind.CORRELATED && outcome.event() != null) {
            // The alert escalated its incident: the outcome stays the body (with the state_change as its event), and the
            // event headers name that change, the one event stored
            out.setBody(outcome);
            out.setHeader(EVENT_ID, outcome.event().id());
            out.setHeader(EVENT_SEQ, outcome.event().seq());
            return;
        }
        if (outcome.event() == null) { // correlated (the open incident's repeat count grew) or ignored: nothing stored
            out.setBody(outcome);
            out.removeHeader(EVENT_ID);
            out.removeHeader(EVENT_SEQ);
            return;
        }
        out.setBody(outcome.event());
        out.setHeader(EVENT_ID, outcome.event().id());
        out.setHeader(EVENT_SEQ, outcome.event().seq());
    }

    /**
     * platform-http parses a form body into a {@code Map} before any step sees it, and {@code curl -d} sends a form
     * unless told otherwise: "not HashMap" left the user guessing, so the refusal says what to send instead.
     */
    private static void refuseForm(Message in) {
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded") || media.equals("multipart/form-data")) {
            throw new InvalidEventException("body", NOT_AN_EVENT + "got a form (Content-Type " + media
                    + ", what curl -d sends by default): send the JSON with Content-Type: application/json");
        }
    }

    /** @param correlationKey the route's ({@code TimelineCorrelationKey}) for a CloudEvent body, or {@code null} */
    private NewEvent event(Object body, String correlationKey) {
        if (body instanceof NewEvent e) {
            return e;
        }
        if (body instanceof CloudEvent ce) {
            return cloudEvents.one(ce, correlationKey);
        }
        byte[] json = body instanceof byte[] b ? b : body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        if (json == null) {
            throw new InvalidEventException("body", NOT_AN_EVENT + "not " + (body == null ? "an empty body" : body.getClass().getSimpleName()));
        }
        return cloudEvents.one(json, correlationKey);
    }

    /**
     * {@link TimelineHeaders#CORRELATION_KEY} ({@code key}, already read) and {@link TimelineHeaders#IDEMPOTENCY_KEY},
     * when set, win over the body's.
     */
    private static NewEvent withHeaderKeys(NewEvent e, String key, Message in) {
        String id = blankToNull(in.getHeader(TimelineHeaders.IDEMPOTENCY_KEY, String.class));
        if (key == null && id == null) {
            return e;
        }
        return new NewEvent(e.incidentId(), e.type(), e.actor(), e.title(), e.content(), e.severity(), e.data(), e.eventTime(),
                e.source(), e.ceSource(), id != null ? id : e.ceId(), e.ceType(), e.expectedSeq(),
                key != null ? key : e.correlationKey(), e.principal());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The principal the route authenticated (HTTP caller, webhook source, poller) wins; else the endpoint's, else the route's. */
    private String principal(Exchange exchange) {
        Principal caller = exchange.getProperty(ApiRequest.PRINCIPAL_PROPERTY, Principal.class);
        if (caller != null) {
            return caller.name();
        }
        String configured = ((TimelineAppendEndpoint) getEndpoint()).getPrincipal();
        return configured != null ? configured : "system:route:" + (exchange.getFromRouteId() == null ? "unknown" : exchange.getFromRouteId());
    }
}
