package dev.incidentgateway.ingest;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.timeline.NewEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CloudEventsWebhookMapperTest {
    private static final String EVENT = """
            {"specversion":"1.0","id":"ev-1","source":"urn:monitor","type":"com.example.incident.declare","subject":"CE-1",
             "data":{"title":"Checkout down","actor":"monitor"}}""";

    private final CloudEventsWebhookMapper mapper = new CloudEventsWebhookMapper(GatewayJson.create());

    /** Media types are case-insensitive and take optional whitespace around ";" (RFC 9110, sections 8.3.1 and 5.6.6). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/cloudevents+json", "application/cloudevents+json; charset=utf-8",
            "application/cloudevents+json ; charset=utf-8", "APPLICATION/CLOUDEVENTS+JSON", "Application/CloudEvents+JSON;charset=UTF-8"})
    void aStructuredEventIsReadWhateverTheCaseAndSpacingOfItsMediaType(String contentType) {
        List<NewEvent> events = mapper.map(new WebhookRequest("cloudevents", Map.of("Content-Type", contentType),
                EVENT.getBytes(StandardCharsets.UTF_8)));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.ceId()).isEqualTo("ev-1");
            assertThat(e.ceSource()).isEqualTo("urn:monitor");
            assertThat(e.incidentId()).isEqualTo("CE-1");
            assertThat(e.title()).isEqualTo("Checkout down");
        });
    }

    /**
     * JSON {@code data} is JSON for {@code application/json} and every {@code +json} type whatever its case (JSON event
     * format 3.1); the SDK's own test took only {@code [a-zA-Z]+\+json} subtypes, case-sensitive, and refused the rest's
     * object {@code data} with its message.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json", "application/vnd.example.alert+json", "application/problem+json; charset=utf-8",
            "Application/JSON", "application/x-my-alert+json", "text/json"})
    void objectDataIsReadForEveryJsonDataContentType(String dataContentType) {
        String event = EVENT.replace("\"subject\":\"CE-1\",", "\"subject\":\"CE-1\",\"datacontenttype\":\"" + dataContentType + "\",");
        for (String contentType : List.of("application/cloudevents+json", CloudEventsWebhookMapper.BATCH)) {
            String body = contentType.equals(CloudEventsWebhookMapper.BATCH) ? "[" + event + "]" : event;
            List<NewEvent> events = mapper.map(new WebhookRequest("cloudevents", Map.of("Content-Type", contentType),
                    body.getBytes(StandardCharsets.UTF_8)));
            assertThat(events).as(contentType).singleElement().satisfies(e -> {
                assertThat(e.title()).isEqualTo("Checkout down");
                assertThat(e.actor()).isEqualTo("monitor");
            });
        }
        assertThat(mapper.one(event.getBytes(StandardCharsets.UTF_8), null).title()).isEqualTo("Checkout down");
    }

    /**
     * {@code data.expectedSeq} is the REST API's {@code expectedSeq}: a whole number >= 0, else the sender's 400 naming it.
     * Read leniently it became 0 or 1 (or the string's number): a 409 against a seq the sender never gave, or, on a declare
     * (last seq 0), an event stored with a check the sender did not ask for.
     */
    @ParameterizedTest(name = "expectedSeq {0}")
    @ValueSource(strings = {"\"abc\"", "\"0\"", "true", "-1", "1.5", "{}", "[]"})
    void anExpectedSeqThatIsNoWholeNumberIsTheSendersBadRequestNamingIt(String expectedSeq) {
        String event = EVENT.replace("\"actor\":\"monitor\"", "\"actor\":\"monitor\",\"expectedSeq\":" + expectedSeq);
        ApiProblem structured = catchThrowableOfType(ApiProblem.class, () -> mapper.map(new WebhookRequest("cloudevents",
                Map.of("Content-Type", "application/cloudevents+json"), event.getBytes(StandardCharsets.UTF_8))));
        assertThat(structured).isNotNull();
        assertThat(structured.status()).isEqualTo(400);
        assertThat(structured.field()).isEqualTo("data.expectedSeq");
        ApiProblem batch = catchThrowableOfType(ApiProblem.class, () -> mapper.map(new WebhookRequest("cloudevents",
                Map.of("Content-Type", CloudEventsWebhookMapper.BATCH), ("[" + EVENT + "," + event + "]").getBytes(StandardCharsets.UTF_8))));
        assertThat(batch).isNotNull();
        assertThat(batch.field()).isEqualTo("[1].data.expectedSeq");
    }

    @ParameterizedTest(name = "expectedSeq {0}")
    @ValueSource(strings = {"0", "7", "7.0"})
    void aWholeExpectedSeqIsKept(String expectedSeq) {
        String event = EVENT.replace("\"actor\":\"monitor\"", "\"actor\":\"monitor\",\"expectedSeq\":" + expectedSeq);
        List<NewEvent> events = mapper.map(new WebhookRequest("cloudevents", Map.of("Content-Type", "application/cloudevents+json"),
                event.getBytes(StandardCharsets.UTF_8)));
        assertThat(events).singleElement().extracting(NewEvent::expectedSeq).isEqualTo((long) Double.parseDouble(expectedSeq));
    }
}
