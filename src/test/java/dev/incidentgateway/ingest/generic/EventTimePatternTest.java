package dev.incidentgateway.ingest.generic;

import dev.incidentgateway.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static dev.incidentgateway.ingest.generic.Fixtures.badRequest;
import static dev.incidentgateway.ingest.generic.Fixtures.fromYaml;
import static dev.incidentgateway.ingest.generic.Fixtures.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Platform trial: Uptime Kuma sends {@code heartbeat.time} as {@code 2026-12-03 16:00:00.123} (no offset), which neither
 * iso-8601 nor an epoch format reads. {@code mapping.eventTime.pattern} (a java.time pattern) and {@code zone} (UTC by
 * default) read it; a bad pattern stops the start naming the file and the key; a value that does not match is a 400
 * naming the field.
 */
class EventTimePatternTest {
    private static final String BODY = "{\"heartbeat\": {\"status\": 0, \"time\": \"%s\"}, \"monitor\": {\"id\": 7, \"name\": \"web\"}}";

    private static JsonPathWebhookMapper uptimeKuma(String eventTime) {
        return fromYaml("uptimekuma", """
                mapping:
                  correlationKey: "$.monitor.id"
                  eventType: { path: "$.heartbeat.status", values: { "0": declare, "1": resolve } }
                  title: "$.monitor.name"
                  eventTime: %s
                """.formatted(eventTime));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', value = {
            "2026-12-03 16:00:00.123 | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd HH:mm:ss.SSS\" }' | 2026-12-03T16:00:00.123Z",
            "2026-12-03 16:00:00.123 | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd HH:mm:ss.SSS\", zone: Europe/Berlin }' | 2026-12-03T15:00:00.123Z",
            "2026-12-03 16:00:00.123 +0530 | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd HH:mm:ss.SSS Z\", zone: Europe/Berlin }' | 2026-12-03T10:30:00.123Z"})
    void aPatternReadsTheTimeInItsZoneUnlessTheTimeHasAnOffset(String sent, String rule, String expected) {
        assertThat(single(uptimeKuma(rule), BODY.formatted(sent)).eventTime()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aValueThatDoesNotMatchIs400NamingTheFieldAndThePattern() {
        JsonPathWebhookMapper mapper = uptimeKuma("{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd HH:mm:ss.SSS\" }");
        assertThat(badRequest(mapper, BODY.formatted("2026-12-03T16:00:00Z"), "$.heartbeat.time").getMessage())
                .contains("yyyy-MM-dd HH:mm:ss.SSS", "2026-12-03T16:00:00Z");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a pattern Java refuses | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd bbb\" }' | mapping.eventTime.pattern 'yyyy-MM-dd bbb' is not a date-time pattern",
            "a date without a time of day | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd\" }' | mapping.eventTime.pattern 'yyyy-MM-dd' does not give a date and a time of day",
            "a zone that does not exist | '{ path: \"$.heartbeat.time\", pattern: \"yyyy-MM-dd HH:mm:ss\", zone: Mars/Olympus }' | mapping.eventTime.zone 'Mars/Olympus' is not a time zone",
            "a zone without a pattern | '{ path: \"$.heartbeat.time\", zone: UTC }' | mapping.eventTime.zone applies to a mapping.eventTime.pattern only",
            "a format and a pattern | '{ path: \"$.heartbeat.time\", format: iso-8601, pattern: \"yyyy-MM-dd HH:mm:ss\" }' | mapping.eventTime.format and mapping.eventTime.pattern"})
    void aBadPatternOrZoneStopsTheStartNamingTheFileAndKey(String what, String rule, String named) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> uptimeKuma(rule));
        assertThat(e).as(what).isNotNull();
        assertThat(e.problems()).singleElement().asString().startsWith("connectors/uptimekuma.yaml: " + named);
    }
}
