package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SlackRootFinderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META = "\"metadata\":{\"event_type\":\"incident_gateway_event\",\"event_payload\":{\"incident_id\":\"INC1\"}}";

    @Test
    void aRootIsATopLevelMessageWhoseMetadataNamesTheIncident() throws Exception {
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\"," + META + "}"), "INC1")).isTrue();
        // A root with replies: thread_ts is its own ts.
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\",\"thread_ts\":\"1.000100\",\"reply_count\":3," + META + "}"), "INC1")).isTrue();
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\"," + META + "}"), "INC2")).isFalse();
        // A reply also sent to the channel, a deleted root kept for its replies, another app's metadata, none.
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000200\",\"thread_ts\":\"1.000100\",\"subtype\":\"thread_broadcast\"," + META + "}"), "INC1")).isFalse();
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\",\"subtype\":\"tombstone\"," + META + "}"), "INC1")).isFalse();
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\"," + META.replace("incident_gateway_event", "other") + "}"), "INC1")).isFalse();
        assertThat(SlackRootFinder.isRootOf(msg("{\"ts\":\"1.000100\",\"text\":\"INC1\"}"), "INC1")).isFalse();
    }

    @Test
    void slackTsIsSecondsWithSixDigits() {
        assertThat(SlackRootFinder.slackTs(Instant.ofEpochSecond(1_700_000_000L, 123_456_789))).isEqualTo("1700000000.123456");
        assertThat(SlackRootFinder.slackTs(Instant.ofEpochSecond(1_700_000_000L))).isEqualTo("1700000000.000000");
    }

    @Test
    void channelIdsAreToldFromNames() {
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("C0123ABCD").matches()).isTrue();
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("G01ABCDEFGH").matches()).isTrue();
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("D0123ABCD").matches()).isTrue();
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("#incidents").matches()).isFalse();
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("incidents").matches()).isFalse();
        assertThat(SlackRootFinder.CHANNEL_ID.matcher("c0123abcd").matches()).isFalse();
    }

    private static JsonNode msg(String json) throws Exception {
        return JSON.readTree(json);
    }
}
