package dev.incidentgateway.security;

import dev.incidentgateway.Sha256;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The gateway's own bearer secrets (API keys, webhook tokens): how they are made and the SHA-256 that is compared
 * and stored instead of them. A plain (fast, unsalted) hash is enough for tokens the gateway generates with 256
 * random bits: nobody can guess or tabulate a preimage, so the slow, salted hashes that protect human-chosen
 * passwords would only cost time on every request.
 */
public final class TokenDigest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenDigest() {
    }

    /** {@code prefix} followed by 32 random bytes (256 bits) from {@link SecureRandom}, base64url without padding. */
    public static String generate(String prefix) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Every webhook and API request hashes its bearer token (a webhook up to three times). */
    public static byte[] sha256(String token) {
        return Sha256.of(token);
    }

    /** The digest as stored: 64 lower-case hex digits. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }
}
