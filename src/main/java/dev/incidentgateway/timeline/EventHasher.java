package dev.incidentgateway.timeline;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.incidentgateway.audit.ChainKey;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
        if (node.isObject() && node.isEmpty()) {
            return "{}"; // the data of most events (notes, acks): what the mapper writes, without a generator per event
        }
        try {
            return CANONICAL.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree cannot fail to serialize", e);
        }
    }

    /** The keyed hash {@code e} must carry when it follows an event whose hash is {@code prevHash}. */
    public static String keyedHash(ChainKey key, String prevHash, TimelineEvent e) {
        return keyedHash(key, prevHash, e, canonicalJson(e.data()));
    }

    /** As {@link #keyedHash(ChainKey, String, TimelineEvent)}, with {@code e.data()} already in canonical form. */
    static String keyedHash(ChainKey key, String prevHash, TimelineEvent e, String canonicalData) {
        return key.hmacHex(prevHash + "\n" + canonicalForm(e, canonicalData, true));
    }

    /** The unkeyed hash of an event written before keyed hashing (the formula of that time, unchanged). */
    public static String legacyHash(String prevHash, TimelineEvent e) {
        return sha256Hex(prevHash + "\n" + canonicalForm(e, canonicalJson(e.data()), false));
    }

    /**
     * The canonical JSON of an event: the object of every covered column (plus {@code principal} for the keyed form),
     * keys sorted, compact. It is what {@link #canonicalJson} of that object as a tree gives, byte for byte (a property
     * test holds the two together), but written field by field in the sorted order: building the tree and sorting it
     * took a seventh of the single writer's time per event (issue 13), and {@code data} is serialized once per event
     * for both the hash and the stored column.
     */
    static String canonicalForm(TimelineEvent e, String canonicalData, boolean withPrincipal) {
        StringWriter out = new StringWriter(256 + canonicalData.length());
        try (JsonGenerator g = CANONICAL.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("actor", e.actor());
            g.writeStringField("ceId", e.ceId());
            g.writeStringField("ceSource", e.ceSource());
            g.writeStringField("ceType", e.ceType());
            g.writeStringField("content", e.content());
            g.writeFieldName("data");
            g.writeRawValue(canonicalData);
            g.writeStringField("eventTime", e.eventTime().toString());
            g.writeStringField("id", e.id());
            g.writeStringField("incidentId", e.incidentId());
            if (withPrincipal) {
                g.writeStringField("principal", e.principal());
            }
            g.writeStringField("recordedAt", e.recordedAt().toString());
            g.writeNumberField("seq", e.seq());
            g.writeStringField("source", e.source());
            g.writeStringField("title", e.title());
            g.writeStringField("type", e.type().wireName());
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException("a StringWriter cannot fail", impossible);
        }
        return out.toString();
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
