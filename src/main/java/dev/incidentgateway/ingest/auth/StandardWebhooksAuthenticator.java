package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Mode {@code standard-webhooks}: verifies the <a href="https://www.standardwebhooks.com">Standard
 * Webhooks</a> symmetric signature (Svix and others). The sender signs {@code "<id>.<timestamp>.<body>"}
 * with HMAC-SHA256 and sends {@code webhook-signature: v1,<base64> [v1,<base64> …]}; several entries let a
 * sender rotate secrets, so any one matching {@code v1} entry is enough and other versions (e.g. the
 * asymmetric {@code v1a}) are ignored. Signing the id and timestamp, and bounding the timestamp, stops
 * replays of an intercepted request.
 */
public final class StandardWebhooksAuthenticator implements WebhookAuthenticator {
    static final String MODE = "standard-webhooks";
    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1";

    private final Hmac hmac;
    private final TimestampWindow window;

    /**
     * @param key       the raw HMAC key (already decoded from its {@code whsec_} form; see {@link #decodeSecret})
     * @param tolerance how far the signed timestamp may be from now
     */
    public StandardWebhooksAuthenticator(byte[] key, Duration tolerance, Clock clock) {
        this.hmac = new Hmac(key);
        this.window = new TimestampWindow(tolerance, clock);
    }

    /** With the recommended five-minute tolerance. */
    public StandardWebhooksAuthenticator(byte[] key, Clock clock) {
        this(key, TimestampWindow.DEFAULT_TOLERANCE, clock);
    }

    /**
     * The key bytes of a secret written as {@code whsec_<base64>} or as bare base64.
     *
     * @throws IllegalArgumentException when it is not base64 or decodes to nothing; the message never
     *         contains the secret (nor the JDK's message, which may quote one of its characters)
     */
    public static byte[] decodeSecret(String secret) {
        String encoded = secret == null ? "" : secret.strip();
        if (encoded.startsWith(SECRET_PREFIX)) {
            encoded = encoded.substring(SECRET_PREFIX.length());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("not a whsec_<base64> secret");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the secret decodes to an empty key");
        }
        return key;
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String id = required(request, ID_HEADER);
        String timestamp = required(request, TIMESTAMP_HEADER);
        String signatures = required(request, SIGNATURE_HEADER);
        window.check(TIMESTAMP_HEADER, timestamp);
        byte[] expected = hmac.sign((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), request.body());
        boolean matched = false;
        for (String entry : signatures.trim().split("\\s+")) {
            matched |= matches(expected, entry); // no early exit: every entry costs the same
        }
        if (!matched) {
            throw ApiProblem.unauthorized("no " + VERSION + " entry of " + SIGNATURE_HEADER + " matches the request");
        }
    }

    private static boolean matches(byte[] expected, String entry) {
        int comma = entry.indexOf(',');
        if (comma < 0 || !entry.substring(0, comma).equals(VERSION)) {
            return false;
        }
        try {
            return Hmac.same(expected, Base64.getDecoder().decode(entry.substring(comma + 1)));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static String required(WebhookRequest request, String header) {
        String value = request.header(header);
        if (value == null || value.isBlank()) {
            throw ApiProblem.unauthorized("missing " + header + " header");
        }
        return value;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public String toString() {
        return "StandardWebhooksAuthenticator[key hidden, tolerance=" + window.tolerance() + "]";
    }
}
