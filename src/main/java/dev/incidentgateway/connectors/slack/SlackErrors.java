package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.connectors.http.FailureClassifier;
import dev.incidentgateway.connectors.http.HttpReply;

import java.util.Set;

/**
 * Classifies one Slack Web API answer. Slack reports most failures as HTTP 200 with
 * {@code {"ok":false,"error":"<code>"}}; only a few error codes heal by themselves (rate limits, Slack's own
 * trouble), every other code (channel_not_found, invalid_auth, not_in_channel, account_inactive,
 * token_revoked, is_archived, msg_too_long, no_text, invalid_blocks, missing_scope, …, and codes this class
 * does not know) is permanent: the delivery is dead-lettered at once with the code as its reason. Non-2xx
 * answers (429 ratelimited with Retry-After, 5xx, no answer) go to {@link FailureClassifier}.
 */
public final class SlackErrors {
    /** Error codes that heal by themselves: retried (Retry-After honoured when Slack sent one). */
    static final Set<String> TRANSIENT = Set.of(
            "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
            // workspace migrations: "will not be available until migration is complete"
            "team_added_to_org", "org_login_required");

    /**
     * chat.update errors that mean only "the root's status line cannot be changed" (workspace edit
     * settings, the message is not the bot's): the thread reply is still posted.
     */
    static final Set<String> STATUS_LINE_OPTIONAL = Set.of("edit_window_closed", "cant_update_message");

    private SlackErrors() {
    }

    /**
     * The outcome of one call.
     *
     * @param body    Slack's JSON answer ({@code null} when there was none or it was not JSON)
     * @param error   Slack's error code, or {@code null}
     * @param failure {@code null} when Slack answered {@code ok:true}, else the classified failure
     */
    public record Answer(JsonNode body, String error, DeliveryResult failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** Reads and classifies Slack's answer to {@code method} (e.g. chat.postMessage). */
    public static Answer read(String method, HttpReply reply, ObjectMapper json) {
        JsonNode body = parse(reply);
        String error = body == null ? null : text(body.get("error"));
        if (!reply.isSuccess()) {
            String why = error != null ? reason(method, error, body) : "slack " + method + bodyExcerpt(reply);
            return new Answer(body, error, FailureClassifier.classify(reply, why));
        }
        if (body == null || !body.isObject()) {
            // A 2xx that is not Slack's envelope: a proxy or captive portal in the way; it may pass.
            return new Answer(null, null, new DeliveryResult.Retry("slack " + method + ": HTTP " + reply.status()
                    + " without a Slack JSON answer" + bodyExcerpt(reply), null));
        }
        if (body.path("ok").asBoolean(false)) {
            return new Answer(body, null, null);
        }
        String code = error == null ? "unknown_error" : error;
        return new Answer(body, code, classify(method, code, body, reply.header("Retry-After")));
    }

    /** The outcome of an {@code ok:false} answer carrying {@code code}. */
    public static DeliveryResult classify(String method, String code, JsonNode body, String retryAfter) {
        String why = reason(method, code, body);
        if (isTransient(code)) {
            return new DeliveryResult.Retry(why, FailureClassifier.retryAfter(retryAfter));
        }
        return new DeliveryResult.Dead(why);
    }

    public static boolean isTransient(String code) {
        return TRANSIENT.contains(code);
    }

    /**
     * {@code slack chat.postMessage: missing_scope (needed: chat:write)}: the code plus Slack's own details
     * (needed scope, block validation messages), for {@code GET /api/v1/outbox?status=dead}.
     */
    static String reason(String method, String code, JsonNode body) {
        StringBuilder why = new StringBuilder("slack ").append(method).append(": ").append(code);
        if (body != null) {
            String needed = text(body.get("needed"));
            if (needed != null) {
                why.append(" (needed: ").append(needed).append(')');
            }
            JsonNode messages = body.path("response_metadata").path("messages");
            if (messages.isArray() && !messages.isEmpty()) {
                StringBuilder details = new StringBuilder();
                for (int i = 0; i < Math.min(3, messages.size()); i++) {
                    details.append(i == 0 ? "" : "; ").append(messages.get(i).asText());
                }
                why.append(" (").append(details).append(')'); // cut by VendorHttp.scrub, after masking
            }
        }
        return why.toString();
    }

    private static JsonNode parse(HttpReply reply) {
        JsonNode body = VendorHttp.json(reply);
        return body.isMissingNode() ? null : body;
    }

    private static String bodyExcerpt(HttpReply reply) {
        String text = reply.text().strip();
        return text.isEmpty() ? "" : ": " + text; // cut by VendorHttp.scrub, after masking
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
