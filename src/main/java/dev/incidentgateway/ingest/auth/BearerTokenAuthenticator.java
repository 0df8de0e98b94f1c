package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.security.TokenDigest;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;

/**
 * Mode {@code bearer}: the sender puts a shared token in {@code Authorization: Bearer <token>}
 * (RFC 6750). For senders that cannot sign bodies (Alertmanager, Grafana's plain webhook, curl).
 * The scheme is matched case-insensitively, as RFC 9110 §11.1 requires.
 *
 * <p>The presented token is hashed with SHA-256 and its digest compared in constant time ({@link TokenCheck}),
 * so the time taken does not even reveal the expected token's length. The expected token is either fixed (a
 * secret of the source's own) or the source's gateway-managed token, which can change while the gateway runs.
 */
public final class BearerTokenAuthenticator implements WebhookAuthenticator {
    static final String MODE = "bearer";
    private static final String HEADER = "Authorization";
    private static final String SCHEME = "Bearer";
    /** A 401 names the scheme that works, as the API's do (RFC 6750 §3): without a token, and for a refused one. */
    private static final String CHALLENGE = SCHEME;
    private static final String INVALID_TOKEN = SCHEME + " error=\"invalid_token\"";

    private final TokenCheck check;

    /** @param token the one accepted token; must not be blank */
    public BearerTokenAuthenticator(String token) {
        this(TokenCheck.of(token));
    }

    /** @param check decides which tokens are accepted */
    public BearerTokenAuthenticator(TokenCheck check) {
        this.check = java.util.Objects.requireNonNull(check, "check");
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String value = request.header(HEADER);
        if (value == null || value.isBlank()) {
            throw ApiProblem.unauthorized("missing " + HEADER + " header", CHALLENGE);
        }
        String token = token(value);
        if (token == null) {
            throw ApiProblem.unauthorized(HEADER + " must use the " + SCHEME + " scheme", CHALLENGE);
        }
        if (!check.accepts(TokenDigest.sha256(token))) {
            throw ApiProblem.unauthorized("invalid bearer token", INVALID_TOKEN);
        }
    }

    @Override
    public boolean acceptsFromMemory(WebhookRequest request) {
        String value = request.header(HEADER);
        String token = value == null ? null : token(value);
        return token != null && check.acceptsFromMemory(TokenDigest.sha256(token));
    }

    /** The token of a {@code Bearer} header value, or null when the value uses another scheme. */
    private static String token(String value) {
        String trimmed = value.strip();
        int space = indexOfWhitespace(trimmed);
        if (space < 0 || !trimmed.substring(0, space).equalsIgnoreCase(SCHEME)) {
            return null;
        }
        return trimmed.substring(space + 1).strip();
    }

    @Override
    public boolean authenticatesFromHeaders() {
        return true;
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
}
