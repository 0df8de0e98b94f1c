package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.audit.ChainKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer computes an event's canonical form field by field; stored chains were hashed over the canonical JSON of
 * a tree with sorted keys. The two must agree byte for byte for every event, or stored chains stop verifying.
 */
class EventHasherCanonicalFormTest {
    private static final ChainKey KEY = ChainKey.generate();

    /** The form as it was computed when the chains were written: a tree, serialized with sorted keys. */
    private static String treeForm(TimelineEvent e, boolean withPrincipal) {
        ObjectNode c = EventHasher.CANONICAL.createObjectNode();
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
        if (withPrincipal) {
            c.put("principal", e.principal());
        }
        return EventHasher.canonicalJson(c);
    }

    @Property(tries = 400)
    void fieldByFieldFormEqualsTheSortedTree(@ForAll("events") TimelineEvent e) {
        String data = EventHasher.canonicalJson(e.data());
        assertThat(EventHasher.canonicalForm(e, data, true)).isEqualTo(treeForm(e, true));
        assertThat(EventHasher.canonicalForm(e, data, false)).isEqualTo(treeForm(e, false));
    }

    @net.jqwik.api.Example
    void emptyDataIsWhatTheMapperWrites() throws Exception {
        // canonicalJson answers "{}" for empty data without the mapper: it must be the mapper's own output.
        assertThat(EventHasher.canonicalJson(EventHasher.CANONICAL.createObjectNode()))
                .isEqualTo(EventHasher.CANONICAL.writeValueAsString(EventHasher.CANONICAL.createObjectNode()));
    }

    @Property(tries = 200)
    void sortedKeysWrittenInTheirOwnOrderAreTheCanonicalJson(@ForAll("events") TimelineEvent e) throws Exception {
        // the answer to an append is written by a mapper that does not sort: its data must already be in the stored order
        ObjectNode sorted = EventHasher.sortedKeys(e.data());
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(sorted))
                .isEqualTo(EventHasher.canonicalJson(e.data()));
        assertThat(sorted).isEqualTo(e.data());
        assertThat(EventHasher.sortedKeys(sorted)).as("already in order: kept as it is").isSameAs(sorted);
    }

    @Property(tries = 100)
    void hashesAreThoseOfTheTreeForm(@ForAll("events") TimelineEvent e) {
        String prev = "ab".repeat(32);
        assertThat(EventHasher.keyedHash(KEY, prev, e)).isEqualTo(KEY.hmacHex(prev + "\n" + treeForm(e, true)));
        assertThat(EventHasher.legacyHash(prev, e)).isEqualTo(EventHasher.sha256Hex(prev + "\n" + treeForm(e, false)));
    }

    @Property(tries = 50)
    void aChangedFieldChangesTheForm(@ForAll("events") TimelineEvent e, @ForAll("texts") String other) {
        String data = EventHasher.canonicalJson(e.data());
        TimelineEvent changed = new TimelineEvent(e.id(), e.incidentId(), e.seq(), e.type(), e.actor(), e.title(), other,
                e.eventTime(), e.recordedAt(), e.source(), e.ceId(), e.ceSource(), e.ceType(), e.data(), e.prevHash(), e.hash(),
                e.principal());
        assertThat(EventHasher.canonicalForm(changed, data, true).equals(EventHasher.canonicalForm(e, data, true)))
                .isEqualTo(java.util.Objects.equals(other, e.content()));
    }

    @Provide
    Arbitrary<String> texts() {
        // Quotes, backslashes, control characters, non-Latin text and surrogate pairs: everything escaping touches.
        Arbitrary<String> mixed = Arbitraries.strings().withChars("\"\\\b\f\n\r\t\u0000\u001f\u007fé€/<>").ascii()
                .withCharRange('\u4e00', '\u4e10').withChars("😀").ofMaxLength(40);
        return Arbitraries.oneOf(mixed, Arbitraries.just(null), Arbitraries.just(""));
    }

    @Provide
    Arbitrary<TimelineEvent> events() {
        Arbitrary<String> text = texts();
        Arbitrary<String> nonNull = Arbitraries.strings().ascii().withChars("\"\\é😀").ofMinLength(1).ofMaxLength(30);
        Arbitrary<Instant> time = Arbitraries.longs().between(0, 4_000_000_000_000_000L).map(us -> Instant.EPOCH.plusNanos(us * 1000));
        Arbitrary<EventType> type = Arbitraries.of(EventType.values());
        return Combinators.combine(List.of(any(nonNull), any(text), any(text), any(nonNull), any(text), any(nonNull), data(),
                any(time), any(time), any(type), any(Arbitraries.longs().between(1, Long.MAX_VALUE)))).as(v -> new TimelineEvent(
                "01J" + v.get(0).hashCode(), (String) v.get(3), (Long) v.get(10), (EventType) v.get(9), (String) v.get(0),
                (String) v.get(1), (String) v.get(2), (Instant) v.get(7), (Instant) v.get(8), (String) v.get(5),
                (String) v.get(3) + "-ce", (String) v.get(5) + "/src", "dev.incidentgateway.x", (ObjectNode) v.get(6),
                EventHasher.GENESIS, null, (String) v.get(4)));
    }

    private static Arbitrary<Object> any(Arbitrary<?> a) {
        return a.map(x -> (Object) x);
    }

    private Arbitrary<Object> data() {
        return Arbitraries.lazyOf(() -> Arbitraries.integers().between(0, 3).flatMap(n -> Arbitraries.strings().ascii()
                .ofMaxLength(8).list().ofSize(n).flatMap(keys -> values().list().ofSize(keys.size()).map(vals -> {
                    ObjectNode o = EventHasher.CANONICAL.createObjectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), vals.get(i));
                    }
                    return (Object) o;
                }))));
    }

    private Arbitrary<JsonNode> values() {
        return Arbitraries.oneOf(
                texts().map(s -> s == null ? EventHasher.CANONICAL.nullNode() : EventHasher.CANONICAL.getNodeFactory().textNode(s)),
                Arbitraries.doubles().map(d -> EventHasher.CANONICAL.getNodeFactory().numberNode(d)),
                Arbitraries.longs().map(l -> EventHasher.CANONICAL.getNodeFactory().numberNode(l)),
                Arbitraries.of(true, false).map(b -> EventHasher.CANONICAL.getNodeFactory().booleanNode(b)),
                Arbitraries.strings().ascii().ofMaxLength(5).list().ofMaxSize(3).map(l -> {
                    ArrayNode a = EventHasher.CANONICAL.createArrayNode();
                    l.forEach(s -> a.add(EventHasher.CANONICAL.createObjectNode().put(s, s)));
                    return (JsonNode) a;
                }));
    }
}
