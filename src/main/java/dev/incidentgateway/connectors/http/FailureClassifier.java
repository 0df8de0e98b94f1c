package dev.incidentgateway.connectors.http;

import dev.incidentgateway.outbox.DeliveryResult;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one HTTP failure classification of every sink: 429 and 503 are rate limits (Retry-After honoured),
 * 408, other 5xx and no answer are transient, any other 4xx is permanent. Vendor envelopes that say
 * "error" with a 200 (Slack {@code ok:false}) are classified by their own sink before it gets here.
 */
public final class FailureClassifier {
    private FailureClassifier() {
    }

    /**
     * @param reason the vendor's error message, already read from its error body by the sink
     * @return the outcome of a non-2xx reply
     */
    public static DeliveryResult classify(HttpReply reply, String reason) {
        String why = "HTTP " + (reply.status() == 0 ? "no answer" : reply.status()) + (reason == null || reason.isBlank() ? "" : ": " + reason);
        int s = reply.status();
        if (s == 429 || s == 503) {
            return new DeliveryResult.Retry(why, retryAfter(reply.header("Retry-After")));
        }
        if (s == 0 || s == 408 || s >= 500) {
            return new DeliveryResult.Retry(why, null);
        }
        return new DeliveryResult.Dead(why);
    }

    /**
     * The outcome of a route whose camel-http call failed ({@code throwExceptionOnFailure}, the default): by status and
     * Retry-After as above, the reason being the status text and the start of the target's answer. The exception's own
     * message is left out: it quotes the URL, which for an incoming webhook carries its secret.
     */
    public static DeliveryResult classify(org.apache.camel.http.base.HttpOperationFailedException e) {
        String body = e.getResponseBody();
        String text = e.getStatusText() == null ? "" : e.getStatusText();
        String answer = body == null || body.isBlank() ? "" : dev.incidentgateway.security.Redact.text(body.strip());
        String reason = text.isBlank() ? answer : answer.isEmpty() ? text : text + ": " + answer;
        return classify(new HttpReply(e.getStatusCode(), e.getResponseHeaders() == null ? java.util.Map.of() : e.getResponseHeaders(),
                null), reason);
    }

    /** Retry-After as delay-seconds or an HTTP-date; {@code null} when absent or unreadable. */
    public static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
