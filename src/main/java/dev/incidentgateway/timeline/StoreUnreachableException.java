package dev.incidentgateway.timeline;

import java.sql.SQLException;

/**
 * The writer could not get a connection to the store (the pool's connection timeout ran out: the database refuses
 * connections, is down or unreachable). Nothing was sent to the store, so nothing was stored: unlike
 * {@link AppendOutcomeUnknownException}, the outcome is known. Counts toward the append circuit breaker.
 */
public final class StoreUnreachableException extends StoreUnavailableException {
    StoreUnreachableException(SQLException cause) {
        super("no connection to the store could be had: " + cause.getMessage(), cause);
    }
}
