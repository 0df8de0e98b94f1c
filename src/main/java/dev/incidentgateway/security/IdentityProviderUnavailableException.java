package dev.incidentgateway.security;

/**
 * The token could not be checked because the identity provider's signing keys (its JWKS, or the discovery
 * document naming them) could not be fetched: our trouble, not the caller's. Still an
 * {@link InvalidCredentialException}, so the request is refused either way; an authentication filter that
 * catches this subclass first can answer 503 with {@code Retry-After} instead of 401.
 */
public final class IdentityProviderUnavailableException extends InvalidCredentialException {
    /** Seconds after which a retry may find the keys again: the JWKS fetches are rate limited to two per 5 s. */
    public static final int RETRY_AFTER_SECONDS = 5;

    public IdentityProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
