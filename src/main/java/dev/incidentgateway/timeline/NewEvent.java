package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to append one event, as validated by the API or a source. The store assigns id, seq,
 * recorded time and hashes.
 *
 * @param incidentId  target incident; {@code null} only for a declare whose id the store generates
 * @param severity    for declare only; recorded in {@code data.severity} so views can be rebuilt from the log
 * @param eventTime   when it happened at the source; {@code null} means now
 * @param ceSource    CloudEvents source of the originating event; {@code null} means {@code source}
 * @param ceId        CloudEvents id (or Idempotency-Key); {@code null} means the event's own ULID.
 *                    A second append with the same (ceSource, ceId) is a no-op answered with the original.
 * @param ceType      originating CloudEvents type; {@code null} means {@code <prefix>.incident.<type>}
 * @param expectedSeq optimistic concurrency: the incident's last seq the caller saw, or {@code null}
 * @param correlationKey an alert key such as {@code alertmanager:<fingerprint>}, or {@code null}. With no
 *                    incidentId, the event goes to the key's open incident: a declare is absorbed when one is
 *                    open (its repeat count grows, and a higher severity escalates that incident: see
 *                    {@code CorrelatedEscalation}) and binds the key to the new incident otherwise; any other
 *                    type is ignored when none is open.
 * @param principal   who caused it ({@code key:<name>}, {@code webhook:<source>}, …), set by the entry point from the
 *                    credential it checked, never from the request body; it scopes idempotency ids and keys loop
 *                    prevention. {@code null} means {@link #INTERNAL_PRINCIPAL}.
 */
public record NewEvent(String incidentId, EventType type, String actor, String title, String content, Severity severity,
                       ObjectNode data, Instant eventTime, String source, String ceSource, String ceId, String ceType,
                       Long expectedSeq, String correlationKey, String principal) {
    /** The principal of events the gateway builds without a caller. */
    public static final String INTERNAL_PRINCIPAL = "system:gateway";

    public NewEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(source, "source");
        data = data == null ? JsonNodeFactory.instance.objectNode() : data;
        principal = principal == null ? INTERNAL_PRINCIPAL : principal;
        if (incidentId == null && correlationKey == null && type != EventType.DECLARE) {
            throw new IllegalArgumentException("incidentId or correlationKey is required for " + type.wireName());
        }
    }

    public static Builder builder(EventType type, String actor) {
        return new Builder(type, actor);
    }

    /** The effective CloudEvents source used for idempotency. */
    public String effectiveCeSource() {
        return ceSource != null ? ceSource : source;
    }

    /** This event as caused by {@code principalName}: entry points stamp what they authenticated. */
    public NewEvent withPrincipal(String principalName) {
        return new NewEvent(incidentId, type, actor, title, content, severity, data, eventTime, source, ceSource, ceId, ceType,
                expectedSeq, correlationKey, principalName);
    }

    /** Fluent construction; most events set only a few of the thirteen fields. */
    public static final class Builder {
        private final EventType type;
        private final String actor;
        private String incidentId;
        private String title;
        private String content;
        private Severity severity;
        private ObjectNode data;
        private Instant eventTime;
        private String source = "/api/v1";
        private String ceSource;
        private String ceId;
        private String ceType;
        private Long expectedSeq;
        private String correlationKey;
        private String principal;

        private Builder(EventType type, String actor) {
            this.type = type;
            this.actor = actor;
        }

        public Builder incident(String v) { this.incidentId = v; return this; }
        public Builder title(String v) { this.title = v; return this; }
        public Builder content(String v) { this.content = v; return this; }
        public Builder severity(Severity v) { this.severity = v; return this; }
        public Builder data(ObjectNode v) { this.data = v; return this; }
        public Builder eventTime(Instant v) { this.eventTime = v; return this; }
        public Builder source(String v) { this.source = v; return this; }
        public Builder ceSource(String v) { this.ceSource = v; return this; }
        public Builder ceId(String v) { this.ceId = v; return this; }
        public Builder ceType(String v) { this.ceType = v; return this; }
        public Builder expectedSeq(Long v) { this.expectedSeq = v; return this; }
        public Builder correlationKey(String v) { this.correlationKey = v; return this; }
        public Builder principal(String v) { this.principal = v; return this; }

        public NewEvent build() {
            return new NewEvent(incidentId, type, actor, title, content, severity, data, eventTime, source, ceSource, ceId,
                    ceType, expectedSeq, correlationKey, principal);
        }
    }
}
