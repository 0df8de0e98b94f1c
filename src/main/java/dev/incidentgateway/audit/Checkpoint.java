package dev.incidentgateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A signed statement "at {@code time}, the log held {@code count} events, the last one {@code lastEventId}, and the
 * global chain's hash at it was {@code headHash}". Kept outside the database, it proves later that nothing up to
 * that event was changed or removed.
 *
 * @param keyId     short id of the signing public key (first 16 hex digits of its SHA-256)
 * @param publicKey base64 X.509 form of the signing key, for keepers; {@code verify} trusts the gateway's own key
 * @param signature base64 Ed25519 signature over {@link #signedBytes()}
 */
public record Checkpoint(String lastEventId, long count, String headHash, Instant time, String keyId, String publicKey,
                         String signature) {
    private static final String CONTEXT = "incident-gateway checkpoint v1";

    /** Exactly what is signed: a fixed context line, then the four facts, one a line. */
    public byte[] signedBytes() {
        return (CONTEXT + "\n" + lastEventId + "\n" + count + "\n" + headHash + "\n" + time).getBytes(StandardCharsets.UTF_8);
    }

    Checkpoint withSignature(String sig) {
        return new Checkpoint(lastEventId, count, headHash, time, keyId, publicKey, sig);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("lastEventId", lastEventId);
        o.put("count", count);
        o.put("headHash", headHash);
        o.put("time", time.toString());
        o.put("algorithm", CheckpointKeys.ALGORITHM);
        o.put("keyId", keyId);
        o.put("publicKey", publicKey);
        o.put("signature", signature);
        return o;
    }

    /**
     * @throws IllegalArgumentException naming the first field that is missing or malformed
     */
    public static Checkpoint fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!o.path("count").canConvertToExactIntegral() || o.path("count").asLong() < 0) {
            throw new IllegalArgumentException("field 'count' must be a whole number");
        }
        try {
            return new Checkpoint(text(o, "lastEventId"), o.get("count").asLong(), text(o, "headHash"),
                    Instant.parse(text(o, "time")), o.path("keyId").asText(null), o.path("publicKey").asText(null), text(o, "signature"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'time' is not an ISO-8601 instant");
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return v.asText();
    }
}
