package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.ingest.WebhookRequest;

/**
 * Decides whether a webhook request really comes from its source, before its body is parsed.
 * Implementations compare in constant time and never put a secret (or a received signature) into an
 * exception message or a log line.
 */
public interface WebhookAuthenticator {
    /**
     * @throws dev.incidentgateway.api.ApiProblem with status 401 ({@code ApiProblem.unauthorized}) when the
     *         request is not authentic: missing, malformed, wrong or stale credentials
     */
    void authenticate(WebhookRequest request);

    /**
     * True when the headers alone carry what {@link #authenticate} checks (a bearer token), so the HTTP edge can refuse a
     * stranger before reading the body; false when the body is signed, or anyone is accepted.
     */
    default boolean authenticatesFromHeaders() {
        return false;
    }

    /**
     * Whether memory alone tells, from the headers, that the request is authentic (never blocking: the HTTP edge asks on
     * its event loop); false when it cannot tell that way. {@link #authenticate} still runs once the body is in.
     */
    default boolean acceptsFromMemory(WebhookRequest request) {
        return false;
    }

    /** The mode's name as written in a descriptor ({@code bearer}, {@code none}, …), for the start-up log. */
    String mode();
}
