package dev.incidentgateway.timeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.concurrent.TimeoutException;

/**
 * Every {@code reason} of {@code gateway.append.errors}. All are registered at 0 when the store is built: an alert on
 * {@code rate(gateway_append_errors_total[5m])} needs the series before the first error, not only after it. The label
 * values are the names the failures' classes gave them before this list existed, so dashboards keep working.
 */
enum AppendErrorReason {
    /** Refused at once by the open circuit breaker, before the writer (AppendSubmission counts it itself). */
    CIRCUIT_OPEN("CircuitOpen", null),
    /** Not committed within the append timeout (answered as outcome unknown). */
    APPEND_TIMEOUT("AppendTimeout", TimeoutException.class),
    // The rest are named by the failure's class; a subclass before the class it extends, as of() takes the first match.
    OUTCOME_UNKNOWN(AppendOutcomeUnknownException.class),
    STORE_UNREACHABLE(StoreUnreachableException.class),
    STORE_UNAVAILABLE(StoreUnavailableException.class),
    INCIDENT_EXISTS(IncidentExistsException.class),
    TRANSITION_REFUSED(TransitionRefusedException.class),
    SEQ_CONFLICT(SeqConflictException.class),
    INCIDENT_NOT_FOUND(IncidentNotFoundException.class),
    INVALID_EVENT(InvalidEventException.class),
    /** A failure none of the above names: a bug; the writer logs it. */
    OTHER("Other", null);

    static final String METER = "gateway.append.errors";

    private final String label;
    private final Class<? extends Throwable> type;

    AppendErrorReason(String label, Class<? extends Throwable> type) {
        this.label = label;
        this.type = type;
    }

    AppendErrorReason(Class<? extends Throwable> type) {
        this(type.getSimpleName(), type);
    }

    /** The reason for a failed append's cause: the first (most specific) whose class it is an instance of. */
    static AppendErrorReason of(Throwable cause) {
        for (AppendErrorReason reason : values()) {
            if (reason.type != null && reason.type.isInstance(cause)) {
                return reason;
            }
        }
        return OTHER;
    }

    /** One counter per reason, registered (at 0) now. */
    static EnumMap<AppendErrorReason, Counter> register(MeterRegistry meters) {
        EnumMap<AppendErrorReason, Counter> counters = new EnumMap<>(AppendErrorReason.class);
        for (AppendErrorReason reason : values()) {
            counters.put(reason, meters.counter(METER, "reason", reason.label));
        }
        return counters;
    }
}
