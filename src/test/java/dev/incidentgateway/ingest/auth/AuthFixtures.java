package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shared helpers for the authenticator tests: requests, fixed clocks, reference HMACs, 401 checks. */
final class AuthFixtures {
    private AuthFixtures() {
    }

    static Clock clockAt(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    /** A request to source {@code test}; {@code headers} alternates name, value. */
    static WebhookRequest request(String body, String... headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return new WebhookRequest("test", map, body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String hmacHex(String key, String message) {
        return HexFormat.of().formatHex(hmac(key.getBytes(StandardCharsets.UTF_8), message));
    }

    /** Asserts a 401 whose message (and problem fields) contain none of the {@code secrets}. */
    static ApiProblem assertUnauthorized(ThrowingCallable call, String... secrets) {
        ApiProblem[] caught = new ApiProblem[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(401);
            assertThat(p.type()).isEqualTo("urn:incident-gateway:problem:unauthorized");
            assertThat(p.getMessage()).isNotBlank();
            for (String secret : secrets) {
                assertThat(p.getMessage()).doesNotContain(secret);
                assertThat(String.valueOf(p.field())).doesNotContain(secret);
                assertThat(p.headers().toString()).doesNotContain(secret);
            }
            caught[0] = p;
        });
        return caught[0];
    }
}
