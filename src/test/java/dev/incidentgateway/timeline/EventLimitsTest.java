package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EventLimitsTest {
    private static NewEvent.Builder note() {
        return NewEvent.builder(EventType.NOTE, "alice").incident("INC-1").content("hello");
    }

    private static String refusedField(NewEvent e) {
        InvalidEventException x = catchThrowableOfType(InvalidEventException.class, () -> EventLimits.check(e));
        assertThat(x).as("refused").isNotNull();
        return x.field();
    }

    @Test
    void valuesAtTheLimitPassAndOneMoreIsRefusedNamingTheField() {
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.DECLARE, "a".repeat(256)).title("t".repeat(1024))
                .ceId("i".repeat(256)).ceType("t".repeat(256)).source("s".repeat(512)).correlationKey("k".repeat(512)).build()))
                .doesNotThrowAnyException();
        assertThat(refusedField(NewEvent.builder(EventType.DECLARE, "a".repeat(257)).build())).isEqualTo("actor");
        assertThat(refusedField(NewEvent.builder(EventType.DECLARE, "a").title("t".repeat(1025)).build())).isEqualTo("title");
        assertThat(refusedField(note().incident("INC-" + "1".repeat(61)).build())).isEqualTo("incidentId");
        assertThat(refusedField(note().ceId("i".repeat(257)).build())).isEqualTo("ceId");
        assertThat(refusedField(note().ceType("t".repeat(257)).build())).isEqualTo("ceType");
        assertThat(refusedField(note().ceSource("s".repeat(513)).build())).isEqualTo("ceSource");
        assertThat(refusedField(note().correlationKey("k".repeat(513)).build())).isEqualTo("correlationKey");
    }

    @Test
    void oneLineFieldsRefuseLineBreaksControlsAndBidiOverridesWhileContentKeepsItsLines() {
        for (String bad : new String[]{"a\rb", "a\nb", "a\tb", "a\u001b[31m", "a\u007f", "a\u202ab", "a\u202eb", "a\u2066b", "a\u2069b"}) {
            assertThat(refusedField(NewEvent.builder(EventType.DECLARE, "a").title(bad).build())).as(bad).isEqualTo("title");
            assertThat(refusedField(NewEvent.builder(EventType.DECLARE, bad).title("t").build())).as(bad).isEqualTo("actor");
            assertThat(refusedField(note().correlationKey(bad).build())).as(bad).isEqualTo("correlationKey");
        }
        assertThatCode(() -> EventLimits.check(note().content("line 1\r\nline 2\ttabbed").build())).doesNotThrowAnyException();
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.DECLARE, "Zoë").title("Ünïcode — \u05e9\u05dc\u05d5\u05dd fine")
                .build())).doesNotThrowAnyException();
        assertThat(EventLimits.foldToOneLine(" disk\r\nfull\u001b[31m \u202eagain\t")).isEqualTo("disk full [31m again");
    }

    /**
     * Security review: C1 controls (NEL U+0085, CSI U+009B), the Unicode line and paragraph separators and the bidi marks
     * passed; ZWNJ and ZWJ stay allowed (Persian and Indic words, emoji sequences need them).
     */
    @Test
    void oneLineFieldsRefuseC1ControlsUnicodeLineSeparatorsAndBidiMarks() {
        for (String bad : new String[]{"a\u0080b", "a\u0085b", "a\u009b31m", "a\u009fb", "a\u2028b", "a\u2029b", "a\u061cb",
                "a\u200eb", "a\u200fb"}) {
            assertThat(refusedField(NewEvent.builder(EventType.DECLARE, "a").title(bad).build())).as(bad).isEqualTo("title");
            assertThat(refusedField(NewEvent.builder(EventType.DECLARE, bad).title("t").build())).as(bad).isEqualTo("actor");
        }
        assertThat(EventLimits.foldToOneLine("disk\u0085full\u2028now \u200fthen\u009b31m\u2029")).isEqualTo("disk full now then 31m");
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.DECLARE, "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
                .title("\ud83d\udc68\u200d\ud83d\udcbb \u0915\u094d\u200d\u0937").build())).doesNotThrowAnyException();
    }

    /** Security review: a role or a reason goes into work notes and the severity-change message line by line. */
    @Test
    void roleAndReasonAreOneLineFields() {
        ObjectNode role = JsonNodeFactory.instance.objectNode().put("role", "scribe\nFAKE: line").put("assignee", "carol");
        assertThat(refusedField(NewEvent.builder(EventType.ROLE_ASSIGN, "a").incident("INC-1").data(role).build())).isEqualTo("data.role");
        ObjectNode reason = JsonNodeFactory.instance.objectNode().put("severity", "sev1").put("reason", "worse\u2028Severity: sev4");
        assertThat(refusedField(NewEvent.builder(EventType.STATE_CHANGE, "a").incident("INC-1").data(reason).build())).isEqualTo("data.reason");
        ObjectNode fine = JsonNodeFactory.instance.objectNode().put("severity", "sev1").put("reason", "customers \u200cwait");
        assertThatCode(() -> EventLimits.check(NewEvent.builder(EventType.STATE_CHANGE, "a").incident("INC-1").data(fine).build()))
                .doesNotThrowAnyException();
    }

    @Test
    void eventTimesFrom1970ToADayAheadPassAndOthersAreRefused() {
        Instant now = Instant.now();
        for (Instant ok : new Instant[]{EventLimits.EARLIEST_EVENT_TIME, now.minus(Duration.ofDays(3650)), now.plus(Duration.ofHours(23))}) {
            assertThatCode(() -> EventLimits.check(note().eventTime(ok).build())).as(ok.toString()).doesNotThrowAnyException();
        }
        for (Instant bad : new Instant[]{EventLimits.EARLIEST_EVENT_TIME.minusMillis(1), Instant.parse("0001-01-01T00:00:00Z"),
                now.plus(Duration.ofDays(2)), Instant.parse("+99999-01-01T00:00:00Z")}) {
            assertThat(refusedField(note().eventTime(bad).build())).as(bad.toString()).isEqualTo("eventTime");
        }
    }

    @Test
    void nulAndLoneSurrogatesAreRefusedAnywhereButPairedSurrogatesPass() {
        assertThat(refusedField(note().content("a\u0000").build())).isEqualTo("content");
        assertThat(refusedField(note().content("a\ud800").build())).isEqualTo("content");
        assertThat(refusedField(note().content("\udc00a").build())).isEqualTo("content");
        assertThatCode(() -> EventLimits.check(note().content("fire \uD83D\uDD25").build())).doesNotThrowAnyException();
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putArray("list").add("ok").add("x\u0000");
        assertThat(refusedField(note().data(data).build())).isEqualTo("data.list[1]");
    }

    @Test
    void aValueOrKeyDeepInDataIsNamedByItsPath() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("labels").put("ok", "x").put("summary", "s".repeat(EventLimits.CONTENT + 1));
        assertThat(refusedField(note().data(data).build())).isEqualTo("data.labels.summary");
        ObjectNode badKey = JsonNodeFactory.instance.objectNode();
        badKey.putArray("alerts").addObject().put("a\u0000b", "x");
        assertThat(refusedField(note().data(badKey).build())).isEqualTo("data.alerts[0]");
        data.withObject("/labels").put("summary", "s".repeat(EventLimits.CONTENT));
        assertThatCode(() -> EventLimits.check(note().data(data).build())).doesNotThrowAnyException();
    }

    @Test
    void numbersBeyondADoublesRangeAreRefusedIntegersToo() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("big", new java.math.BigInteger("1" + "0".repeat(308))).put("fine", Long.MAX_VALUE).put("real", 1.5e308);
        assertThatCode(() -> EventLimits.check(note().data(data).build())).doesNotThrowAnyException();
        data.put("big", new java.math.BigInteger("1" + "0".repeat(309)));
        assertThat(refusedField(note().data(data).build())).isEqualTo("data.big");
        data.put("big", 1).putArray("list").add(new java.math.BigInteger("-1" + "0".repeat(400)));
        assertThat(refusedField(note().data(data).build())).isEqualTo("data.list[0]");
    }

    @Test
    void dataDeeperThanTheCapIsRefused() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root;
        for (int i = 0; i < EventLimits.JSON_DEPTH - 1; i++) {
            at = at.putObject("a");
        }
        assertThatCode(() -> EventLimits.check(note().data(root).build())).doesNotThrowAnyException();
        at.putObject("a");
        assertThat(refusedField(note().data(root).build())).startsWith("data.a");
    }
}
