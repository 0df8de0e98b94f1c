package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.ingest.WebhookRequest;

/**
 * Mode {@code none}: accepts every request. Only for sources that cannot authenticate at all and sit on a
 * trusted network; it must be chosen explicitly in the descriptor (there is no implicit default), and the
 * gateway warns about each open source at start.
 */
public final class OpenAuthenticator implements WebhookAuthenticator {
    static final String MODE = "none";

    @Override
    public void authenticate(WebhookRequest request) {
        // Deliberately accepts everything.
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public String toString() {
        return "OpenAuthenticator";
    }
}
