package dev.incidentgateway.security;

/**
 * Turns the token of an {@code Authorization: Bearer <token>} header into the {@link Principal} it stands
 * for: an API key ({@code igw_…}) or an OpenID Connect access token (a JWT). Called on every request,
 * so implementations answer from memory (keys cached, JWKS cached) and never block on a slow network
 * for a token they have already seen the key of.
 */
public interface CredentialVerifier {
    /**
     * @return the principal, with the scopes the credential grants
     * @throws InvalidCredentialException the token is unknown, revoked, expired, badly signed or for
     *         someone else; the message says why in words safe to show the caller (never the token)
     */
    Principal verify(String token) throws InvalidCredentialException;

    /**
     * The principal when memory alone tells the token is valid (never blocking, no store read, no key fetch: the HTTP
     * edge asks on its event loop); empty when only {@link #verify} can tell. Records no use.
     */
    default java.util.Optional<Principal> fromMemory(String token) {
        return java.util.Optional.empty();
    }

    /**
     * The last instant a token {@link #verify} accepted is still accepted (its expiry plus the clock skew allowed), or
     * empty when it does not expire by itself (an API key: it is revoked, which {@link #fromMemory} tells).
     */
    default java.util.Optional<java.time.Instant> acceptedUntil(String verifiedToken) {
        return java.util.Optional.empty();
    }
}
