package dev.incidentgateway.connectors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.security.SecretForms;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The small helpers every vendor connector (sink or poller) needs around its HTTP calls, written once:
 * the Basic-auth header, query encoding, scrubbing credentials out of failure reasons, reading a JSON answer
 * leniently and cutting a vendor's error text down to one short line.
 */
public final class VendorHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest vendor text put into a failure reason (the outbox API and logs show it). */
    public static final int MAX_REASON = 300;
    /** What a scrubbed credential becomes. */
    public static final String MASK = "***";

    private VendorHttp() {
    }

    /** {@code Basic base64(user:secret)} (RFC 7617, UTF-8). */
    public static String basicAuth(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** One query or path component, percent-encoded (spaces as {@code %20}, valid in both places). */
    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * {@code text} with every credential replaced by {@value #MASK}, then cut to {@value #MAX_REASON} characters
     * ({@link #shorten}): failure reasons end up in the outbox API and logs, and a proxy or exception may echo the
     * request. Each is masked in every form an echo may carry it ({@link SecretForms}: raw, percent-encoded, base64;
     * for a Basic-auth header value the base64 of user:password). Masked first, cut after: a secret that a cut went
     * through would no longer match, and its first part would stay in the reason. Secrets shorter than 4 characters
     * are left alone (masking "a" would mangle every reason).
     */
    public static String scrub(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret == null || secret.length() < 4) {
                continue;
            }
            out = SecretForms.mask(out, secret, MASK);
        }
        return shorten(out);
    }

    /** A delivery result whose reason went through {@link #scrub}. */
    public static DeliveryResult scrub(DeliveryResult result, String... secrets) {
        if (result instanceof DeliveryResult.Retry retry) {
            return new DeliveryResult.Retry(scrub(retry.reason(), secrets), retry.retryAfter(), retry.atLeast());
        }
        if (result instanceof DeliveryResult.Dead dead) {
            return new DeliveryResult.Dead(scrub(dead.reason(), secrets));
        }
        return result;
    }

    /** The reply's body as JSON; {@link MissingNode} when it is empty or not JSON (a proxy's HTML page). */
    public static JsonNode json(HttpReply reply) {
        if (reply.body().length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(reply.body());
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * A vendor's text as one line, HTML tags dropped; not cut: {@link #scrub} cuts a reason after masking its secrets
     * (cut first, a secret across the cut would keep its first part).
     */
    public static String oneLine(String text) {
        return text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    }

    /** At most {@value #MAX_REASON} characters, an ellipsis marking a cut. */
    public static String shorten(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "…";
    }
}
