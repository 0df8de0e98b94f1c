package dev.incidentgateway.store;

/**
 * The store could not be opened at start: it did not accept a connection within the start-up wait, or it refused the
 * gateway for a reason waiting does not change (wrong password, no such database). The message is for the operator,
 * one line, without secrets; the gateway exits with the store-error code (3), not a stack trace.
 */
public class StoreStartException extends RuntimeException {
    public StoreStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A stop (SIGTERM, Ctrl-C) came while the start waited for the store: nothing was started, nothing is wrong. */
    public static final class Stopped extends StoreStartException {
        Stopped(String message) {
            super(message, null);
        }
    }
}
