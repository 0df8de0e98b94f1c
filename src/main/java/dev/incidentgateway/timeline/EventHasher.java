package dev.incidentgateway.timeline;

import dev.incidentgateway.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.audit.ChainKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    /**
     * {@code data} with its object keys in the canonical (sorted) order at every depth, as {@link #canonicalJson} writes
     * them and as every later read of the stored event gives them: the append's answer then shows the data exactly as the
     * timeline will (a 201 diffed with a GET showed its keys in the request's order). The same values, not copied; an
     * object already in order is kept as it is.
     */
    static ObjectNode sortedKeys(ObjectNode data) {
        return (ObjectNode) sorted(data);
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject() && node.size() > 0) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            boolean inOrder = true;
            for (int i = 1; i < names.size() && inOrder; i++) {
                inOrder = names.get(i - 1).compareTo(names.get(i)) < 0;
            }
            if (!inOrder) {
                Collections.sort(names); // String order: the order of the TreeMap WRITE_PROPERTIES_SORTED writes from
            }
            ObjectNode out = ((ObjectNode) node).objectNode();
            boolean same = inOrder;
            for (String name : names) {
                JsonNode child = node.get(name);
                JsonNode sortedChild = sorted(child);
                same &= sortedChild == child;
                out.set(name, sortedChild);
            }
            return same ? node : out;
        }
        if (node.isArray() && node.size() > 0) {
            ArrayNode out = ((ArrayNode) node).arrayNode(node.size());
            boolean same = true;
            for (JsonNode element : node) {
                JsonNode sortedElement = sorted(element);
                same &= sortedElement == element;
                out.add(sortedElement);
            }
            return same ? node : out;
        }
        return node;
    }

    /** The keyed hash {@code e} must carry when it follows an event whose hash is {@code prevHash}. */
    public static String keyedHash(ChainKey key, String prevHash, TimelineEvent e) {
        return keyedHash(key, prevHash, e, canonicalJson(e.data()));
    }

    /** As {@link #keyedHash(ChainKey, String, TimelineEvent)}, with {@code e.data()} already in canonical form. */
    static String keyedHash(ChainKey key, String prevHash, TimelineEvent e, String canonicalData) {
        return key.hmacHex(hashInput(prevHash, e, canonicalData, true));
    }

    /** The unkeyed hash of an event written before keyed hashing (the formula of that time, unchanged). */
    public static String legacyHash(String prevHash, TimelineEvent e) {
        return sha256Hex(hashInput(prevHash, e, canonicalJson(e.data()), false));
    }

    /** {@code prevHash + "\n" + canonicalForm(…)}, built in one buffer. */
    private static String hashInput(String prevHash, TimelineEvent e, String canonicalData, boolean withPrincipal) {
        StringBuilder out = new StringBuilder(320 + canonicalData.length()).append(prevHash).append('\n');
        return appendCanonicalForm(out, e, canonicalData, withPrincipal).toString();
    }

    /**
     * The canonical JSON of an event: the object of every covered column (plus {@code principal} for the keyed form),
     * keys sorted, compact. It is what {@link #canonicalJson} of that object as a tree gives, byte for byte (a property
     * test holds the two together), but written field by field in the sorted order: building the tree and sorting it
     * took a seventh of the single writer's time per event (issue 13), and {@code data} is serialized once per event
     * for both the hash and the stored column. The fields are written by {@link CanonicalText}, not by a Jackson
     * generator and {@link java.time.Instant#toString()}: those took ≈ 11 % and ≈ 5 % of the PostgreSQL writer's CPU
     * samples (issue 13, session 22; bench/README.md, Append benchmark).
     */
    static String canonicalForm(TimelineEvent e, String canonicalData, boolean withPrincipal) {
        return appendCanonicalForm(new StringBuilder(256 + canonicalData.length()), e, canonicalData, withPrincipal).toString();
    }

    private static StringBuilder appendCanonicalForm(StringBuilder out, TimelineEvent e, String canonicalData,
                                                     boolean withPrincipal) {
        field(out, "{\"actor\":", e.actor());
        field(out, ",\"ceId\":", e.ceId());
        field(out, ",\"ceSource\":", e.ceSource());
        field(out, ",\"ceType\":", e.ceType());
        field(out, ",\"content\":", e.content());
        out.append(",\"data\":").append(canonicalData);
        field(out, ",\"eventTime\":", CanonicalText.instant(e.eventTime()));
        field(out, ",\"id\":", e.id());
        field(out, ",\"incidentId\":", e.incidentId());
        if (withPrincipal) {
            field(out, ",\"principal\":", e.principal());
        }
        field(out, ",\"recordedAt\":", CanonicalText.instant(e.recordedAt()));
        out.append(",\"seq\":").append(e.seq());
        field(out, ",\"source\":", e.source());
        field(out, ",\"title\":", e.title());
        field(out, ",\"type\":", e.type().wireName());
        return out.append('}');
    }

    private static void field(StringBuilder out, String separatorAndName, String value) {
        CanonicalText.appendJsonString(out.append(separatorAndName), value);
    }

    static String sha256Hex(String s) {
        return Sha256.hex(s);
    }
}
