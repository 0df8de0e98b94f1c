package dev.incidentgateway.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored events rendered as CloudEvents v1.0 and parsed back with the SDK, as a consumer would. */
class TimelineCloudEventMapperTest {
    private final ObjectMapper json = GatewayJson.create();
    private final TimelineCloudEventMapper mapper = new TimelineCloudEventMapper("com.example", json);
    private final EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    /**
     * The sender's own CloudEvent attributes (ceId, ceSource, ceType) differ from the stored event's id, source and
     * type on purpose, so a mapper that copies the wrong field fails.
     */
    private static TimelineEvent event(String id, long seq, EventType type) {
        return new TimelineEvent(id, "INC-7", seq, type, "alice@example.com", "Checkout failing", "500s on /pay",
                Instant.parse("2026-11-23T10:15:30.123456Z"), Instant.parse("2026-11-23T10:15:31Z"), "/webhooks/alertmanager",
                "upstream-ce-" + seq, "urn:upstream:monitor", "com.upstream.alert.fired",
                JsonNodeFactory.instance.objectNode().put("severity", "sev1"), "0".repeat(64), "a".repeat(64), "key:alice");
    }

    @Test
    void structuredEventParsesBackWithTheSdk() throws Exception {
        byte[] bytes = mapper.serialize(event("01JDZ8Q6Y0M5V3W3T0B7C2N4KX", 3, EventType.ACK));
        CloudEvent ce = format.deserialize(bytes);

        assertThat(ce.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(ce.getId()).as("the stored event's id, not the sender's ceId").isEqualTo("01JDZ8Q6Y0M5V3W3T0B7C2N4KX");
        assertThat(ce.getSource()).as("the stored source, not the sender's ceSource").isEqualTo(URI.create("/webhooks/alertmanager"));
        assertThat(ce.getType()).as("the gateway's type, not the sender's ceType").isEqualTo("com.example.incident.ack");
        assertThat(ce.getSubject()).isEqualTo("INC-7");
        assertThat(ce.getTime().toInstant()).isEqualTo(Instant.parse("2026-11-23T10:15:30.123456Z"));
        assertThat(ce.getDataContentType()).isEqualTo("application/json");
        assertThat(ce.getExtension("incidentseq")).isEqualTo(3);
        assertThat(ce.getExtension("actor")).isEqualTo("alice@example.com");
        assertThat(ce.getExtension("principal")).isEqualTo("key:alice");

        JsonNode data = json.readTree(ce.getData().toBytes());
        assertThat(data.path("incidentId").asText()).isEqualTo("INC-7");
        assertThat(data.path("type").asText()).isEqualTo("ack");
        assertThat(data.path("title").asText()).isEqualTo("Checkout failing");
        assertThat(data.path("content").asText()).isEqualTo("500s on /pay");
        assertThat(data.path("source").asText()).isEqualTo("/webhooks/alertmanager");
        assertThat(data.path("data").path("severity").asText()).isEqualTo("sev1");
        // extension is a JSON number, not a string
        assertThat(json.readTree(bytes).path("incidentseq").isIntegralNumber()).isTrue();
    }

    @Test
    void batchIsAJsonArrayOfStructuredEventsInOrder() throws Exception {
        byte[] batch = mapper.serializeBatch(List.of(event("01JDZ8Q6Y0M5V3W3T0B7C2N4KX", 1, EventType.DECLARE),
                event("01JDZ8Q6Y0M5V3W3T0B7C2N4KY", 2, EventType.NOTE)));
        JsonNode array = json.readTree(batch);
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        CloudEvent second = format.deserialize(json.writeValueAsBytes(array.get(1)));
        assertThat(second.getType()).isEqualTo("com.example.incident.note");
        assertThat(second.getExtension("incidentseq")).isEqualTo(2);
        assertThat(json.readTree(mapper.serializeBatch(List.of())).isEmpty()).isTrue();
    }

    /**
     * The feed's writer (one Jackson generator, no SDK objects) answers exactly the bytes the SDK writes for
     * {@link TimelineCloudEventMapper#toCloudEvent}: attribute and extension order, time format (ISO offset form, no
     * trailing zeros), escaping, numbers and nesting of the stored data.
     */
    @Test
    void writerAnswersTheSdksBytesForEveryKindOfEvent() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode rich = JsonNodeFactory.instance.objectNode();
        rich.put("zeta", "last").put("alpha", "ä ß 中 \u2028 \" \\ / \n\t\u0001").put("int", 42).put("long", 1L << 40)
                .put("double", 1.5e-7).put("neg", -0.0).put("big", new java.math.BigInteger("123456789012345678901234567890"))
                .put("bool", true).putNull("nothing");
        rich.putArray("list").add(1).add("two").addObject().put("x", 3);
        rich.putObject("nested").putObject("deeper").put("k", "v");
        List<TimelineEvent> events = List.of(
                event("01JDZ8Q6Y0M5V3W3T0B7C2N4KX", 1, EventType.DECLARE),
                withData(event("01JDZ8Q6Y0M5V3W3T0B7C2N4KY", 2, EventType.STATE_CHANGE), rich),
                new TimelineEvent("01JDZ8Q6Y0M5V3W3T0B7C2N4KZ", "INC-1234567", 70000, EventType.NOTE, "bob \"the builder\"", null,
                        "line one\nline two <b>&amp;</b> \uD83D\uDE00", Instant.parse("2026-11-23T10:15:30Z"),
                        Instant.parse("2026-11-23T10:15:30.100Z"), "urn:source:x?y=1&z=%20", "c", "s", "t",
                        JsonNodeFactory.instance.objectNode(), "0".repeat(64), "b".repeat(64), "webhook:alertmanager"),
                new TimelineEvent("01JDZ8Q6Y0M5V3W3T0B7C2N4M0", "INC-9", 5, EventType.RESOLVE, "carol", "t", "",
                        Instant.parse("2026-11-23T10:15:30.000001Z"), Instant.parse("2026-11-23T10:15:30.120Z"), "/api/v1", "c", "s", "t",
                        JsonNodeFactory.instance.objectNode().put("severity", "sev1"), "0".repeat(64), "c".repeat(64), "system:legacy"));
        StringBuilder sdkBatch = new StringBuilder("[");
        for (TimelineEvent e : events) {
            String sdk = new String(format.serialize(mapper.toCloudEvent(e)), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(new String(mapper.serialize(e), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(sdk);
            sdkBatch.append(sdkBatch.length() > 1 ? "," : "").append(sdk);
        }
        assertThat(new String(mapper.serializeBatch(events), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(sdkBatch + "]");
        assertThat(mapper.serializeBatch(List.of())).isEqualTo("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The time attribute without the formatter: equal to ISO_OFFSET_DATE_TIME at UTC for every fraction width. */
    @Test
    void timeIsWhatTheIsoOffsetFormatterWrites() {
        for (String t : List.of("2026-11-23T10:15:30Z", "2026-11-23T10:15:00.5Z", "2026-01-02T03:04:05.000000007Z",
                "2026-11-23T10:15:30.120Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.9Z")) {
            Instant i = Instant.parse(t);
            assertThat(TimelineCloudEventMapper.isoOffsetUtc(i)).as(t)
                    .isEqualTo(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(i.atOffset(java.time.ZoneOffset.UTC)));
        }
    }

    private static TimelineEvent withData(TimelineEvent e, com.fasterxml.jackson.databind.node.ObjectNode data) {
        return new TimelineEvent(e.id(), e.incidentId(), e.seq(), e.type(), e.actor(), e.title(), e.content(), e.eventTime(),
                e.recordedAt(), e.source(), e.ceId(), e.ceSource(), e.ceType(), data, e.prevHash(), e.hash(), e.principal());
    }
}
