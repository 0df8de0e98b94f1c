package dev.incidentgateway.camel;

/**
 * Names of the headers and exchange properties of the {@code timeline} component (the issue 11 contract).
 *
 * <p>{@code from: timeline:outbox?connector=NAME} sets, on each exchange: {@link #CONNECTOR}, {@link #EVENT_ID},
 * {@link #INCIDENT_ID}, {@link #EVENT_SEQ}, {@link #EVENT_TYPE}, {@link #INCIDENT_SEVERITY}, {@link #INCIDENT_STATUS},
 * {@link #INCIDENT_TITLE}, {@link #ATTEMPT}, {@link #EXTERNAL_REF} (only once the incident has a ticket/thread at the
 * connector) and the property {@link #DELIVERY}. A route may set {@link #EXTERNAL_REF_CREATED} (+ {@link #EXTERNAL_REF_URL},
 * {@link #EXTERNAL_REF_KEY}) to record the ticket it created, and {@link #RETRY_AFTER} or {@link #DEAD_REASON} to end the
 * delivery as a retry or a dead letter without throwing.
 */
public final class TimelineHeaders {
    public static final String CONNECTOR = "TimelineConnector";
    public static final String EVENT_ID = "TimelineEventId";
    public static final String INCIDENT_ID = "TimelineIncidentId";
    public static final String EVENT_SEQ = "TimelineEventSeq";
    /** The event type's wire name: declare, ack, mitigate, resolve, close, note, role_assign, state_change. */
    public static final String EVENT_TYPE = "TimelineEventType";
    /** sev1..sev4: the incident's current severity. */
    public static final String INCIDENT_SEVERITY = "TimelineIncidentSeverity";
    /**
     * The incident's status right after this event (wire name), not at delivery time: a declare delivered after the ack
     * (a retry, a backlog) still says declared.
     */
    public static final String INCIDENT_STATUS = "TimelineIncidentStatus";
    public static final String INCIDENT_TITLE = "TimelineIncidentTitle";
    /** This delivery attempt, 1-based. */
    public static final String ATTEMPT = "TimelineAttempt";
    /** The incident's existing ticket/thread id at this connector; absent before one exists. */
    public static final String EXTERNAL_REF = "TimelineExternalRef";
    /** Set by a route: the ticket/thread id it created (recorded with the delivery, sent as {@link #EXTERNAL_REF} later). */
    public static final String EXTERNAL_REF_CREATED = "TimelineExternalRefCreated";
    /** Optional with {@link #EXTERNAL_REF_CREATED}: a link to it. */
    public static final String EXTERNAL_REF_URL = "TimelineExternalRefUrl";
    /** Optional with {@link #EXTERNAL_REF_CREATED}: its human key (INC0010001, OPS-12). */
    public static final String EXTERNAL_REF_KEY = "TimelineExternalRefKey";
    /**
     * Set by a route that completes: retry this delivery after this many seconds (or an HTTP-date), capped by
     * {@code GATEWAY_OUTBOX_MAX_RETRY_AFTER_S}; {@code 0} or an unreadable value means the usual backoff.
     */
    public static final String RETRY_AFTER = "TimelineRetryAfter";
    /** Set by a route that completes: dead-letter this delivery with this reason. */
    public static final String DEAD_REASON = "TimelineDeadReason";
    /** Exchange property: the outbox {@code Delivery} record (event, incident, ref), for Java processors. */
    public static final String DELIVERY = "TimelineDelivery";
    /** Exchange property a Java processor may set: the {@code DeliveryResult} itself (wins over the headers). */
    public static final String DELIVERY_RESULT = "TimelineDeliveryResult";
    /** {@code timeline:append}'s reply header: whether the event's idempotency id was stored before. */
    public static final String DUPLICATE = "TimelineDuplicate";
    /** What became of one appended event: appended, duplicate, correlated (absorbed by an open incident) or ignored. */
    public static final String OUTCOME = "TimelineOutcome";
    /**
     * Exchange property (not a header: an HTTP caller cannot set it) with a batch's {@code AppendMode}, or its name:
     * {@code SENDER_BATCH} reports refused transitions per event instead of refusing the batch. Default all-or-nothing.
     */
    public static final String APPEND_MODE = "TimelineAppendMode";
    /** In, {@code timeline:append} (one event): the alert key that finds the incident, set when the body has none or to override it. */
    public static final String CORRELATION_KEY = "TimelineCorrelationKey";
    /**
     * In, {@code timeline:append} (one event): the idempotency id (the CloudEvents {@code id} under the route's principal);
     * a second append with the same id is a no-op answered with the original.
     */
    public static final String IDEMPOTENCY_KEY = "TimelineIdempotencyKey";

    private TimelineHeaders() {
    }
}
