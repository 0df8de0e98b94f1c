package dev.incidentgateway.timeline;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored chains were hashed over Jackson's escaping and {@link Instant#toString()}: the hand-written forms must match. */
class CanonicalTextTest {

    private static String jackson(String s) throws Exception {
        return EventHasher.CANONICAL.writeValueAsString(s);
    }

    private static String ours(String s) {
        StringBuilder out = new StringBuilder();
        CanonicalText.appendJsonString(out, s);
        return out.toString();
    }

    @Example
    void everyCharacterIsEscapedAsJacksonEscapesIt() throws Exception {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String s = "a" + (char) c + "b";
            assertThat(ours(s)).as("U+%04X", c).isEqualTo(jackson(s));
        }
        assertThat(ours(null)).isEqualTo(jackson(null));
        assertThat(ours("")).isEqualTo(jackson(""));
    }

    @Property(tries = 500)
    void stringsAreWrittenAsJacksonWritesThem(@ForAll("texts") String s) throws Exception {
        assertThat(ours(s)).isEqualTo(jackson(s));
    }

    @Property(tries = 2000)
    void instantsAreWrittenAsInstantToStringWritesThem(@ForAll("instants") Instant t) {
        assertThat(CanonicalText.instant(t)).isEqualTo(t.toString());
    }

    @Example
    void instantsAtTheEdgesOfTheFourDigitYears() {
        for (String s : new String[] {"0000-01-01T00:00:00Z", "-0001-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999Z",
                "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000001Z", "2026-12-01T18:00:00.100Z",
                "2026-12-01T18:00:00.120300Z", "2026-12-01T18:00:00.000000001Z", "2024-02-29T12:34:56Z"}) {
            Instant t = Instant.parse(s);
            assertThat(CanonicalText.instant(t)).isEqualTo(t.toString());
        }
        assertThat(CanonicalText.instant(Instant.MIN)).isEqualTo(Instant.MIN.toString());
        assertThat(CanonicalText.instant(Instant.MAX)).isEqualTo(Instant.MAX.toString());
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("\"\\\b\f\n\r\t\u0000\u001f\u007f\u2028é€/<>").ascii()
                .withCharRange('\ud800', '\udfff').withChars("😀").ofMaxLength(60);
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs().between(-62_200_000_000L, 253_500_000_000L),
                Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(us -> us * 1000), Arbitraries.integers().between(0, 999_999_999));
        return net.jqwik.api.Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }
}
