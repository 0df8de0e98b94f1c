package dev.incidentgateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

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
        String[] newest = {after};
        forEachEvent(http, after, e -> {
            if (fromRequest(e)) {
                newest[0] = e.path("id").asText();
            }
        });
        return newest[0];
    }

    /** Whether a stored event (feed or timeline JSON) came from a request rather than from the SLA tracker. */
    public static boolean fromRequest(JsonNode event) {
        return !"system:sla".equals(event.path("principal").asText());
    }

    /** How many events of the whole feed requests stored. */
    public static int requestEventCount(HttpApi http) {
        int[] count = {0};
        forEachEvent(http, null, e -> count[0] += fromRequest(e) ? 1 : 0);
        return count[0];
    }

    private static void forEachEvent(HttpApi http, String after, Consumer<JsonNode> action) {
        String cursor = after;
        while (true) {
            HttpApi.Response feed = http.get("/api/v1/events?limit=1000" + (cursor == null ? "" : "&after=" + cursor));
            assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
            JsonNode events = feed.json();
            if (events.isEmpty()) {
                return;
            }
            events.forEach(action);
            cursor = events.get(events.size() - 1).path("id").asText();
        }
    }
}
