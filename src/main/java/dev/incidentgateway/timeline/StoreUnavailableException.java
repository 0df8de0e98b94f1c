package dev.incidentgateway.timeline;

/**
 * The store could not take the append now (database down, writer queue full). Transient: the caller may
 * retry; HTTP answers 503 with Retry-After (never 4xx: Alertmanager drops those).
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
