package dev.incidentgateway.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.audit.ChainKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The per-incident audit chain. Events written since keyed hashing:
 * {@code hash = HMAC-SHA-256(chain key, prevHash + "\n" + canonical(event))}, the canonical form covering every
 * stored column but the hashes, {@code principal} included, keys sorted at every depth; without the chain key nobody
 * can compute it. Events written before ("legacy") keep {@code SHA-256(prevHash + "\n" + canonical)} over the
 * columns of that time (no principal), which anyone can recompute; the {@link GlobalChain} seals them at the upgrade.
 * Changing any covered field, removing or reordering an event breaks the chain from that event on.
 */
public final class EventHasher {
    /** prev_hash of an incident's first event. */
    public static final String GENESIS = "0".repeat(64);

    /** Compact JSON with object keys sorted at every depth: the form {@code data} is stored and hashed in. */
    public static final ObjectMapper CANONICAL = new ObjectMapper().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    private EventHasher() {
    }

    public static String canonicalJson(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree cannot fail to serialize", e);
        }
    }

    /** The keyed hash {@code e} must carry when it follows an event whose hash is {@code prevHash}. */
    public static String keyedHash(ChainKey key, String prevHash, TimelineEvent e) {
        ObjectNode c = legacyForm(e);
        c.put("principal", e.principal());
        return key.hmacHex(prevHash + "\n" + canonicalJson(c));
    }

    /** The unkeyed hash of an event written before keyed hashing (the formula of that time, unchanged). */
    public static String legacyHash(String prevHash, TimelineEvent e) {
        return sha256Hex(prevHash + "\n" + canonicalJson(legacyForm(e)));
    }

    private static ObjectNode legacyForm(TimelineEvent e) {
        ObjectNode c = CANONICAL.createObjectNode();
        c.put("id", e.id());
        c.put("incidentId", e.incidentId());
        c.put("seq", e.seq());
        c.put("type", e.type().wireName());
        c.put("actor", e.actor());
        c.put("title", e.title());
        c.put("content", e.content());
        c.put("eventTime", e.eventTime().toString());
        c.put("recordedAt", e.recordedAt().toString());
        c.put("source", e.source());
        c.put("ceId", e.ceId());
        c.put("ceSource", e.ceSource());
        c.put("ceType", e.ceType());
        c.set("data", e.data());
        return c;
    }

    static String sha256Hex(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
