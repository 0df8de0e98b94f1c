package dev.incidentgateway.camel;

import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.ingest.WebhookRequest;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.InvalidEventException;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.cloudevents.CloudEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

import java.util.List;
import java.util.Map;

/**
 * Appends one event per exchange through {@link TimelineStore#append} (group commit and every append guarantee
 * unchanged). The body is the gateway's {@link NewEvent}, an SDK {@link CloudEvent}, or a structured CloudEvent's
 * JSON ({@code byte[]} or {@code String}); CloudEvents map exactly as on {@code POST /webhooks/cloudevents}.
 *
 * <p>Out: body = the stored {@code TimelineEvent}; headers {@value #EVENT_ID}, {@value #INCIDENT_ID}, {@value #EVENT_SEQ} and
 * {@value #DUPLICATE} ({@code true} when the event's idempotency id was stored before: the original is returned).
 * Refusals are typed exceptions, for a route's {@code onException}: {@code InvalidEventException} or, from the
 * CloudEvents mapping, {@code ApiProblem} (bad input, naming the field), {@code TransitionRefusedException}, {@code IncidentNotFoundException},
 * {@code SeqConflictException}; the store's own trouble is {@code StoreUnavailableException} or
 * {@code AppendOutcomeUnknownException} (a retry with the same idempotency id is safe).
 */
public final class TimelineAppendProducer extends DefaultProducer {
    public static final String EVENT_ID = TimelineHeaders.EVENT_ID;
    public static final String INCIDENT_ID = TimelineHeaders.INCIDENT_ID;
    public static final String EVENT_SEQ = TimelineHeaders.EVENT_SEQ;
    public static final String DUPLICATE = TimelineHeaders.DUPLICATE;

    private final TimelineStore store;
    private final CloudEventsWebhookMapper cloudEvents;

    TimelineAppendProducer(TimelineAppendEndpoint endpoint, TimelineStore store, CloudEventsWebhookMapper cloudEvents) {
        super(endpoint);
        this.store = store;
        this.cloudEvents = cloudEvents;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        AppendOutcome outcome = store.append(event(in).withPrincipal(principal(exchange)));
        Message out = exchange.getMessage();
        out.setBody(outcome.event());
        out.setHeader(EVENT_ID, outcome.event().id());
        out.setHeader(INCIDENT_ID, outcome.event().incidentId());
        out.setHeader(EVENT_SEQ, outcome.event().seq());
        out.setHeader(DUPLICATE, outcome.duplicate());
    }

    private NewEvent event(Message in) {
        Object body = in.getBody();
        if (body instanceof NewEvent e) {
            return e;
        }
        if (body instanceof CloudEvent ce) {
            return cloudEvents.fromCloudEvent(ce);
        }
        byte[] json = body instanceof byte[] b ? b : body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        if (json == null) {
            throw new InvalidEventException("body", "timeline:append takes a NewEvent, a CloudEvent or a CloudEvent's JSON, not "
                    + (body == null ? "an empty body" : body.getClass().getSimpleName()));
        }
        List<NewEvent> events = cloudEvents.map(new WebhookRequest("timeline", Map.of("Content-Type", "application/cloudevents+json"), json));
        if (events.size() != 1) {
            throw new InvalidEventException("body", "timeline:append takes one event per exchange; split a batch first");
        }
        return events.get(0);
    }

    /** The authenticated caller of an HTTP route wins; otherwise the endpoint's system principal, or the route's. */
    private String principal(Exchange exchange) {
        Principal caller = exchange.getProperty(ApiRequest.PRINCIPAL_PROPERTY, Principal.class);
        if (caller != null) {
            return caller.name();
        }
        String configured = ((TimelineAppendEndpoint) getEndpoint()).getPrincipal();
        return configured != null ? configured : "system:route:" + (exchange.getFromRouteId() == null ? "unknown" : exchange.getFromRouteId());
    }
}
