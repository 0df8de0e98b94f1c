package dev.incidentgateway.security;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code Authorization: Bearer <token>} and asks the verifier the token's shape calls for: a JWT
 * (three base64url parts separated by dots) goes to the OpenID Connect verifier when one is configured,
 * anything else to the API keys.
 */
public final class BearerAuthenticator {
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    /** What a request's credential amounts to. */
    public sealed interface Outcome {
    }

    /** No {@code Authorization} header, or {@code Bearer} without a token: 401 without an error code. */
    public record Missing() implements Outcome {
    }

    /**
     * An {@code Authorization} header of another scheme ({@code Basic …}) or of none: 401 without an error code too, as
     * RFC 6750 §3.1 asks of a request that "attempted using an unsupported authentication method"; {@code error=
     * "invalid_token"} would tell the client that a bearer token it never sent was bad. Still a refusal for the count.
     */
    public record OtherScheme() implements Outcome {
        public static final String REASON = "use Authorization: Bearer <API key or access token>";
    }

    /** A token that authenticates nobody: 401 {@code error="invalid_token"}; {@code reason} is safe to show. */
    public record Refused(String reason) implements Outcome {
    }

    public record Authenticated(Principal principal) implements Outcome {
    }

    /**
     * The token may be fine but cannot be checked now (the identity provider's keys cannot be fetched): our
     * trouble, so 503 + Retry-After, never a 401 the caller would take as final.
     */
    public record Unavailable(String reason, int retryAfterSeconds) implements Outcome {
    }

    private final CredentialVerifier apiKeys;
    private final Optional<CredentialVerifier> jwt;

    /**
     * @param apiKeys verifies {@code igw_…} keys
     * @param jwt     verifies JWT access tokens (OpenID Connect); empty when no identity provider is configured
     */
    public BearerAuthenticator(CredentialVerifier apiKeys, Optional<CredentialVerifier> jwt) {
        this.apiKeys = apiKeys;
        this.jwt = jwt;
    }

    /**
     * The principal when memory alone tells that the header's API key is valid ({@link CredentialVerifier#fromMemory});
     * empty for anything else (no header, another scheme, a JWT, a key not in memory).
     */
    public Optional<Principal> fromMemory(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = value.substring(7).strip();
        return JWT.matcher(token).matches() ? Optional.empty() : apiKeys.fromMemory(token);
    }

    /**
     * The credential of {@code authorization}, which {@link #authenticate} accepted, as a response that stays open keeps
     * checking it: an API key lapses once the keys in memory no longer hold it (revoked: the next reload of the keys, every
     * 2 s or at once after {@code api-key revoke} on H2), an access token at its expiry plus the allowed clock skew.
     */
    public HeldCredential held(String authorization) {
        String token = authorization.strip().substring(7).strip();
        if (JWT.matcher(token).matches() && jwt.isPresent()) {
            java.time.Instant until = jwt.get().acceptedUntil(token).orElse(java.time.Instant.MAX);
            return now -> now.isBefore(until) ? Optional.empty() : Optional.of("the access token expired");
        }
        return now -> apiKeys.fromMemory(token).isPresent() ? Optional.empty() : Optional.of("the API key was revoked");
    }

    public Outcome authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Missing();
        }
        String value = authorization.strip();
        if (value.equalsIgnoreCase("Bearer")) {
            return new Missing();
        }
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new OtherScheme();
        }
        String token = value.substring(7).strip();
        try {
            if (JWT.matcher(token).matches()) {
                if (jwt.isEmpty()) {
                    return new Refused("access tokens (JWT) are not accepted: no OpenID Connect issuer is configured");
                }
                return new Authenticated(jwt.get().verify(token));
            }
            return new Authenticated(apiKeys.verify(token));
        } catch (IdentityProviderUnavailableException e) {
            return new Unavailable(e.getMessage(), IdentityProviderUnavailableException.RETRY_AFTER_SECONDS);
        } catch (InvalidCredentialException e) {
            return new Refused(e.getMessage());
        }
    }
}
