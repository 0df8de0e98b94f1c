package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.connectors.http.HttpReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlackErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"channel_not_found", "invalid_auth", "not_authed", "not_in_channel", "account_inactive",
            "token_revoked", "is_archived", "msg_too_long", "no_text", "invalid_blocks", "missing_scope", "some_new_code"})
    void permanentCodesAreDead(String code) {
        DeliveryResult r = read(200, Map.of(), "{\"ok\":false,\"error\":\"" + code + "\"}").failure();
        assertThat(r).isEqualTo(new DeliveryResult.Dead("slack chat.postMessage: " + code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
    void transientCodesAreRetried(String code) {
        DeliveryResult r = read(200, Map.of("Retry-After", "7"), "{\"ok\":false,\"error\":\"" + code + "\"}").failure();
        assertThat(r).isEqualTo(new DeliveryResult.Retry("slack chat.postMessage: " + code, Duration.ofSeconds(7)));
    }

    @Test
    void slacksDetailsGoIntoTheReason() {
        DeliveryResult r = read(200, Map.of(), "{\"ok\":false,\"error\":\"missing_scope\",\"needed\":\"chat:write\"}").failure();
        assertThat(r).isEqualTo(new DeliveryResult.Dead("slack chat.postMessage: missing_scope (needed: chat:write)"));
        r = read(200, Map.of(), "{\"ok\":false,\"error\":\"invalid_blocks\",\"response_metadata\":{\"messages\":[\"[ERROR] too long\"]}}").failure();
        assertThat(r).isEqualTo(new DeliveryResult.Dead("slack chat.postMessage: invalid_blocks ([ERROR] too long)"));
    }

    @Test
    void httpFailuresGoThroughTheFailureClassifier() {
        assertThat(read(429, Map.of("Retry-After", "30"), "{\"ok\":false,\"error\":\"ratelimited\"}").failure())
                .isEqualTo(new DeliveryResult.Retry("HTTP 429: slack chat.postMessage: ratelimited", Duration.ofSeconds(30)));
        assertThat(read(502, Map.of(), "<html>bad gateway</html>").failure())
                .isEqualTo(new DeliveryResult.Retry("HTTP 502: slack chat.postMessage: <html>bad gateway</html>", null));
        assertThat(read(404, Map.of(), "{\"ok\":false,\"error\":\"unknown_method\"}").failure())
                .isEqualTo(new DeliveryResult.Dead("HTTP 404: slack chat.postMessage: unknown_method"));
        assertThat(read(200, Map.of(), "<html>portal</html>").failure()).isInstanceOf(DeliveryResult.Retry.class);
    }

    @Test
    void okIsNoFailure() {
        SlackErrors.Answer a = read(200, Map.of(), "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}");
        assertThat(a.ok()).isTrue();
        assertThat(a.body().path("ts").asText()).isEqualTo("1.2");
    }

    private static SlackErrors.Answer read(int status, Map<String, String> headers, String body) {
        return SlackErrors.read("chat.postMessage", new HttpReply(status, headers, body.getBytes(StandardCharsets.UTF_8)), JSON);
    }
}
