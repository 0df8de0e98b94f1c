package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FakeSlack}'s read methods answer like Slack's. */
class FakeSlackTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final FakeSlack slack = new FakeSlack();

    @AfterEach
    void close() {
        slack.close();
    }

    @Test
    void historyTakesTheChannelIdOnlyAndNeedsTheToken() throws Exception {
        assertThat(get("conversations.history?channel=%23incidents", true).path("error").asText()).isEqualTo("channel_not_found");
        assertThat(get("conversations.history?channel=incidents", true).path("error").asText()).isEqualTo("channel_not_found");
        assertThat(get("conversations.history?channel=C0123ABCD", false).path("error").asText()).isEqualTo("not_authed");
        JsonNode ok = get("conversations.history?channel=C0123ABCD", true);
        assertThat(ok.path("ok").asBoolean()).isTrue();
        assertThat(ok.path("messages")).isEmpty();
        assertThat(ok.path("has_more").asBoolean()).isFalse();
        // Arguments in a form body count; in a JSON body they do not.
        assertThat(post("conversations.history", "application/x-www-form-urlencoded", "channel=C0123ABCD").path("ok").asBoolean()).isTrue();
        assertThat(post("conversations.history", "application/json", "{\"channel\":\"C0123ABCD\"}").path("error").asText())
                .isEqualTo("channel_not_found");
    }

    @Test
    void historyPagesTopLevelMessagesNewestFirstWithMetadataOnRequest() throws Exception {
        for (int i = 0; i < 3; i++) {
            String root = post("chat.postMessage", "application/json", "{\"channel\":\"C0123ABCD\",\"text\":\"r" + i + "\","
                    + "\"metadata\":{\"event_type\":\"incident_gateway_event\",\"event_payload\":{\"incident_id\":\"I" + i + "\"}}}")
                    .path("ts").asText();
            post("chat.postMessage", "application/json", "{\"channel\":\"C0123ABCD\",\"thread_ts\":\"" + root + "\",\"text\":\"reply\"}");
        }
        List<String> texts = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = get("conversations.history?channel=C0123ABCD&limit=2&include_all_metadata=true&cursor=" + cursor, true);
            page.path("messages").forEach(m -> {
                texts.add(m.path("text").asText());
                assertThat(m.path("metadata").path("event_type").asText()).isEqualTo("incident_gateway_event");
                assertThat(m.path("thread_ts").asText()).isEqualTo(m.path("ts").asText());
            });
            cursor = page.path("response_metadata").path("next_cursor").asText("");
        } while (!cursor.isEmpty());
        assertThat(texts).containsExactly("r2", "r1", "r0");
        assertThat(get("conversations.history?channel=C0123ABCD", true).path("messages").get(0).has("metadata")).isFalse();
        assertThat(get("conversations.history?channel=C0123ABCD&oldest=9999999999", true).path("messages")).isEmpty();
    }

    @Test
    void listPagesChannelsByType() throws Exception {
        slack.setPageSize(1);
        List<String> names = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = get("conversations.list?types=public_channel,private_channel&exclude_archived=true&cursor=" + cursor, true);
            page.path("channels").forEach(c -> names.add(c.path("name").asText()));
            cursor = page.path("response_metadata").path("next_cursor").asText();
        } while (!cursor.isEmpty());
        assertThat(names).containsExactly("general", "random", "secops", "incidents");
        assertThat(slack.callCount("conversations.list")).isEqualTo(4);
        assertThat(get("conversations.list", true).path("channels")).hasSize(1); // public only, archived included, page of 1
    }

    @Test
    void blocksSlackRefusesAreRefusedAsInvalidBlocks() throws Exception {
        String section = "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"ok\"}}";
        String context = "{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":\"INC-1\"}]}";
        assertThat(postBlocks(section + "," + context).path("ok").asBoolean()).as("the shape the gateway sends").isTrue();
        for (String refused : List.of(
                "{\"type\":\"context\"}",
                "{\"type\":\"context\",\"elements\":[]}",
                "{\"type\":\"context\",\"elements\":[{\"text\":\"no type\"}]}",
                "{\"type\":\"section\",\"text\":{\"text\":\"no type\"}}",
                "{\"type\":\"section\",\"text\":{\"type\":\"markdown\",\"text\":\"wrong type\"}}")) {
            JsonNode answer = postBlocks(refused);
            assertThat(answer.path("ok").asBoolean()).as(refused).isFalse();
            assertThat(answer.path("error").asText()).as(refused).isEqualTo("invalid_blocks");
        }
    }

    private JsonNode postBlocks(String blocks) throws Exception {
        return post("chat.postMessage", "application/json", "{\"channel\":\"C0123ABCD\",\"text\":\"fallback\",\"blocks\":[" + blocks + "]}");
    }

    private JsonNode get(String path, boolean authed) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(slack.baseUrl() + "/" + path)).GET();
        if (authed) {
            b.header("Authorization", "Bearer " + FakeSlack.TOKEN);
        }
        return FakeSlackWorkspace.JSON.readTree(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String method, String type, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(slack.baseUrl() + "/" + method)).header("Content-Type", type)
                .header("Authorization", "Bearer " + FakeSlack.TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return FakeSlackWorkspace.JSON.readTree(CLIENT.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }
}
