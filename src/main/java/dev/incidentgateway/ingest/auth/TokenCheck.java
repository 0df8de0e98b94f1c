package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.security.TokenDigest;

import java.security.MessageDigest;

/**
 * Decides whether a presented bearer token is a right one, seeing only its SHA-256 digest
 * ({@link TokenDigest#sha256}). Implementations compare with {@link MessageDigest#isEqual} (constant time)
 * and without an early exit over several candidates, so timing reveals neither a token nor which one matched.
 */
@FunctionalInterface
public interface TokenCheck {
    boolean accepts(byte[] presentedDigest);

    /**
     * A check against one fixed token (a secret named by {@code auth.secretEnv}).
     *
     * @throws IllegalArgumentException when the token is blank
     */
    static TokenCheck of(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("bearer token must not be blank");
        }
        byte[] expected = TokenDigest.sha256(token);
        return presented -> MessageDigest.isEqual(expected, presented);
    }
}
