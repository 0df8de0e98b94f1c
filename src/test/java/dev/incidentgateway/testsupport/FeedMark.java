package dev.incidentgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What requests stored, for "nothing stored" and "exactly these events" checks: the SLA tracker's notes (principal
 * {@code system:sla}, written on its own schedule for incidents declared with past times, as most fixtures are) are
 * passed over, since no request stored them.
 */
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
                if (fromRequest(e)) {
                    newest = e.path("id").asText();
                }
            }
            cursor = events.get(events.size() - 1).path("id").asText();
        }
    }

    /** Whether a stored event (feed or timeline JSON) came from a request rather than from the SLA tracker. */
    public static boolean fromRequest(JsonNode event) {
        return !"system:sla".equals(event.path("principal").asText());
    }

    /** How many events of the whole feed requests stored. */
    public static int requestEventCount(HttpApi http) {
        int count = 0;
        String cursor = null;
        while (true) {
            HttpApi.Response feed = http.get("/api/v1/events?limit=1000" + (cursor == null ? "" : "&after=" + cursor));
            assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
            JsonNode events = feed.json();
            if (events.isEmpty()) {
                return count;
            }
            for (JsonNode e : events) {
                count += fromRequest(e) ? 1 : 0;
            }
            cursor = events.get(events.size() - 1).path("id").asText();
        }
    }
}
