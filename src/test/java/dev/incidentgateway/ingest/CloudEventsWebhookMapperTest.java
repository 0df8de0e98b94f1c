package dev.incidentgateway.ingest;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.timeline.NewEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
