package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Mode {@code bearer}: the sender puts a shared token in {@code Authorization: Bearer <token>}
 * (RFC 6750). For senders that cannot sign bodies (Alertmanager, Grafana's plain webhook, curl).
 * The scheme is matched case-insensitively, as RFC 9110 §11.1 requires.
 *
 * <p>Both tokens are hashed with SHA-256 before the constant-time comparison, so the time taken does
 * not even reveal the configured token's length.
 */
public final class BearerTokenAuthenticator implements WebhookAuthenticator {
    static final String MODE = "bearer";
    private static final String HEADER = "Authorization";
    private static final String SCHEME = "Bearer";

    private final byte[] expectedDigest;

    /** @param token the shared token; must not be blank */
    public BearerTokenAuthenticator(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("bearer token must not be blank");
        }
        this.expectedDigest = sha256(token);
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String value = request.header(HEADER);
        if (value == null || value.isBlank()) {
            throw ApiProblem.unauthorized("missing " + HEADER + " header");
        }
        String trimmed = value.strip();
        int space = indexOfWhitespace(trimmed);
        if (space < 0 || !trimmed.substring(0, space).equalsIgnoreCase(SCHEME)) {
            throw ApiProblem.unauthorized(HEADER + " must use the " + SCHEME + " scheme");
        }
        String token = trimmed.substring(space + 1).strip();
        if (!MessageDigest.isEqual(expectedDigest, sha256(token))) {
            throw ApiProblem.unauthorized("invalid bearer token");
        }
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public String toString() {
        return "BearerTokenAuthenticator[token hidden]";
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
