package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Test helpers for the webhook source tests: the vendor payload fixtures of {@code src/test/resources/fixtures}
 * (read from the classpath, exact bytes), edited copies of them, and the signatures senders compute
 * (PagerDuty's hex HMAC, Standard Webhooks' base64 HMAC over {@code id.timestamp.body}), written here
 * independently of the gateway's own code so a shared mistake cannot hide.
 */
final class WebhookFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookFixtures() {
    }

    /** The exact bytes of {@code fixtures/<name>}. */
    static byte[] bytes(String name) {
        try (InputStream in = WebhookFixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture not on the classpath: fixtures/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static JsonNode json(String name) {
        try {
            return JSON.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the fixture, changed by {@code edit}, serialized again. */
    static byte[] edited(String name, Consumer<ObjectNode> edit) {
        ObjectNode root = (ObjectNode) json(name).deepCopy();
        edit.accept(root);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code startsAt} of every alert of an Alertmanager/Grafana payload (a new firing episode). */
    static Consumer<ObjectNode> startsAt(String... times) {
        return root -> {
            JsonNode alerts = root.path("alerts");
            for (int i = 0; i < alerts.size() && i < times.length; i++) {
                ((ObjectNode) alerts.get(i)).put("startsAt", times[i]);
            }
        };
    }

    static byte[] hmacSha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PagerDuty's {@code X-PagerDuty-Signature} entry: {@code v1=<hex HMAC-SHA256 of the raw body>}. */
    static String pagerDutySignature(String secret, byte[] body) {
        return "v1=" + HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** A Standard Webhooks secret: {@code whsec_<base64 of random bytes>}. */
    static String newStandardWebhooksSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** A {@code webhook-signature} entry: {@code v1,<base64 HMAC-SHA256 over "id.timestamp.body">}. */
    static String standardWebhooksSignature(String whsec, String id, long timestamp, byte[] body) {
        byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
        byte[] mac = hmacSha256(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }
}
