package dev.incidentgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The Since feed's newest event a request could have stored, for "nothing stored" checks. */
public final class FeedMark {
    private FeedMark() {
    }

    /**
     * The newest event id after {@code after} ({@code null}: from the start) that a request could have stored: the SLA
     * tracker's notes (principal {@code system:sla}, written on its own schedule for incidents declared with past times)
     * are passed over, so they never count as stored by a refused request.
     */
    public static String newestRequestEvent(HttpApi http, String after) {
        String newest = after;
        String cursor = after;
        while (true) {
            HttpApi.Response feed = http.get("/api/v1/events?limit=1000" + (cursor == null ? "" : "&after=" + cursor));
            assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
            JsonNode events = feed.json();
            if (events.isEmpty()) {
                return newest;
            }
            for (JsonNode e : events) {
                if (!"system:sla".equals(e.path("principal").asText())) {
                    newest = e.path("id").asText();
                }
            }
            cursor = events.get(events.size() - 1).path("id").asText();
        }
    }
}
