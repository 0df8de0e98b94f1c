package dev.incidentgateway.security;

import java.time.Instant;
import java.util.Optional;

/**
 * The credential of a response that stays open (the live stream), checked again while it does: every other request is
 * authenticated afresh, a stream only once when it opens, so without this a revoked API key or an expired access token
 * kept receiving every event for as long as the client held the connection. Answers from memory only (the API keys'
 * snapshot, the token's expiry read when it was verified): cheap enough to ask before each send.
 */
@FunctionalInterface
public interface HeldCredential {
    /** Why the credential no longer authenticates at {@code now} (words safe to show the caller), or empty while it does. */
    Optional<String> lapsed(Instant now);
}
