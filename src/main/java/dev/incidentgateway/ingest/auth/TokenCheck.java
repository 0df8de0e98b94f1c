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
    /** May block (a token rotated a moment ago is looked up in the store). */
    boolean accepts(byte[] presentedDigest);

    /**
     * Whether memory alone accepts the digest, never blocking (the HTTP edge asks on its event loop); false when only
     * {@link #accepts} can tell.
     */
    default boolean acceptsFromMemory(byte[] presentedDigest) {
        return false;
    }

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
        return new TokenCheck() {
            @Override
            public boolean accepts(byte[] presented) {
                return MessageDigest.isEqual(expected, presented);
            }

            @Override
            public boolean acceptsFromMemory(byte[] presented) {
                return accepts(presented);
            }
        };
    }
}
