package dev.incidentgateway.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a bearer token: what the authenticator compares and what the store keeps. A plain (fast, unsalted)
 * hash is enough for tokens the gateway generates with 256 random bits: nobody can guess or tabulate a preimage,
 * so the slow, salted hashes that protect human-chosen passwords would only cost time on every request.
 */
public final class TokenDigest {
    private TokenDigest() {
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    /** The digest as stored: 64 lower-case hex digits. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }
}
