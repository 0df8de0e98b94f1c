package dev.incidentgateway.config;

/**
 * A route gave one of the gateway's own components (the {@code timeline:} endpoints) a wrong endpoint or option value.
 * Camel wraps it in its binding and route exceptions, whose messages drop this one's; {@link RouteLoadFailure} finds it
 * in the chain and answers it as bad configuration (exit 2) with this message and the route's file.
 */
public final class RouteOptionException extends IllegalArgumentException {
    public RouteOptionException(String message) {
        super(message);
    }
}
