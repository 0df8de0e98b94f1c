package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Mode {@code hmac-sha256-hex}: the hex HMAC-SHA256 of the raw body in one header, the most common
 * home-grown scheme. Header and prefix are configurable because senders differ only there:
 * GitHub {@code X-Hub-Signature-256: sha256=<hex>}, PagerDuty {@code X-PagerDuty-Signature: v1=<hex>,v1=<hex>}
 * (several while a secret rotates; any one matching is enough), Grafana {@code X-Grafana-Alerting-Signature: <hex>}.
 *
 * <p>With a timestamp header (Grafana's {@code X-Grafana-Alerting-Signature-Timestamp}) the HMAC is over
 * {@code "<timestamp>:<body>"} and the timestamp must be recent, which stops replays.
 */
public final class HmacHexAuthenticator implements WebhookAuthenticator {
    static final String MODE = "hmac-sha256-hex";
    public static final String DEFAULT_HEADER = "X-Hub-Signature-256";
    public static final String DEFAULT_PREFIX = "sha256=";

    private final Hmac hmac;
    private final String header;
    private final String prefix;
    private final String timestampHeader;
    private final TimestampWindow window;

    /**
     * @param header          the header holding the signature(s)
     * @param prefix          what precedes each hex signature ({@code ""} for none); matched case-insensitively
     * @param timestampHeader the header holding the signed unix timestamp, or {@code null} when the sender signs
     *                        only the body
     * @param tolerance       how far the timestamp may be from now (unused without a timestamp header)
     */
    public HmacHexAuthenticator(byte[] key, String header, String prefix, String timestampHeader,
                                Duration tolerance, Clock clock) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException("signature header must not be blank");
        }
        this.hmac = new Hmac(key);
        this.header = header;
        this.prefix = prefix == null ? "" : prefix;
        this.timestampHeader = timestampHeader == null || timestampHeader.isBlank() ? null : timestampHeader;
        this.window = new TimestampWindow(tolerance, clock);
    }

    /** GitHub's form: {@code X-Hub-Signature-256: sha256=<hex>} over the body alone. */
    public HmacHexAuthenticator(byte[] key, Clock clock) {
        this(key, DEFAULT_HEADER, DEFAULT_PREFIX, null, TimestampWindow.DEFAULT_TOLERANCE, clock);
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String value = request.header(header);
        if (value == null || value.isBlank()) {
            throw ApiProblem.unauthorized("missing " + header + " header");
        }
        byte[] expected;
        if (timestampHeader == null) {
            expected = hmac.sign(request.body());
        } else {
            String timestamp = request.header(timestampHeader);
            window.check(timestampHeader, timestamp);
            expected = hmac.sign((timestamp + ":").getBytes(StandardCharsets.UTF_8), request.body());
        }
        boolean matched = false;
        for (String entry : value.split(",")) {
            matched |= matches(expected, entry.strip()); // no early exit: every entry costs the same
        }
        if (!matched) {
            throw ApiProblem.unauthorized("no signature in " + header + " matches the request");
        }
    }

    private boolean matches(byte[] expected, String entry) {
        if (!entry.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        String hex = entry.substring(prefix.length());
        if (hex.length() != expected.length * 2) {
            return false;
        }
        try {
            return Hmac.same(expected, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException notHex) {
            return false;
        }
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public String toString() {
        return "HmacHexAuthenticator[header=" + header + ", prefix=" + prefix
                + (timestampHeader == null ? "" : ", timestampHeader=" + timestampHeader) + ", key hidden]";
    }
}
