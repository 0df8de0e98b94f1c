package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.connectors.http.HttpCall;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.Map;
import java.util.StringJoiner;

/**
 * One Slack Web API call with the bot token ({@code Authorization: Bearer}), its answer classified by
 * {@link SlackErrors}: write methods (chat.*) as a JSON POST, read methods (conversations.*) as a GET with
 * query parameters, the form Slack reads their arguments from.
 */
final class SlackApi {
    private final String apiUrl;
    private final String token;
    private final SinkHttpClient http;
    private final ObjectMapper json;

    /** @param apiUrl Web API base URL ({@code https://slack.com/api}); a trailing slash is ignored */
    SlackApi(String apiUrl, String token, SinkHttpClient http, ObjectMapper json) {
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.token = token;
        this.http = http;
        this.json = json;
    }

    String apiUrl() {
        return apiUrl;
    }

    /** {@code POST <api>/<method>} with the payload as JSON (chat.postMessage, chat.update). */
    SlackErrors.Answer post(String method, ObjectNode payload) {
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return new SlackErrors.Answer(null, null, new DeliveryResult.Dead("slack " + method + ": " + e.getMessage()));
        }
        return scrubbed(SlackErrors.read(method, http.send(HttpCall.json("POST", apiUrl + "/" + method, auth(), body)), json));
    }

    /** {@code GET <api>/<method>?<params>} (conversations.list, conversations.history); null values are left out. */
    SlackErrors.Answer get(String method, Map<String, String> params) {
        StringJoiner query = new StringJoiner("&");
        params.forEach((k, v) -> {
            if (v != null) {
                query.add(VendorHttp.encode(k) + "=" + VendorHttp.encode(v));
            }
        });
        String url = apiUrl + "/" + method + (query.length() == 0 ? "" : "?" + query);
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token, "Accept", "application/json");
        return scrubbed(SlackErrors.read(method, http.send(HttpCall.get(url, headers)), json));
    }

    /**
     * The answer with the token masked in its error code and failure reason ({@link VendorHttp#scrub}, as every vendor
     * connector does): whoever reads an answer (the sink's outbox lastError, the root finder's and the sink's log lines)
     * gets it scrubbed, whatever Slack, a proxy or a fake echoed.
     */
    private SlackErrors.Answer scrubbed(SlackErrors.Answer answer) {
        return answer.ok() ? answer
                : new SlackErrors.Answer(answer.body(), VendorHttp.scrub(answer.error(), token), VendorHttp.scrub(answer.failure(), token));
    }

    private Map<String, String> auth() {
        return Map.of("Authorization", "Bearer " + token);
    }

}
