package dev.incidentgateway.timeline;

/**
 * The append did not commit within the append timeout, or the store failed around its transaction (connection
 * lost, statement timed out). Its outcome is unknown: a request still queued when its caller gave up is dropped
 * unwritten, but one the writer had already taken into a transaction may have committed. A retry with the same
 * Idempotency-Key / CloudEvent id is safe either way (deduplicated), so HTTP answers 503 + Retry-After without
 * claiming that nothing was stored.
 */
public class AppendOutcomeUnknownException extends StoreUnavailableException {
    public AppendOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
