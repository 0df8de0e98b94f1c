package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page of the Since feed or of a timeline stops at GATEWAY_PAGE_MAX_BYTES (here its least, 64 KiB) however high
 * {@code limit} is, and says where to go on: following {@code Link: rel="next"} (the feed) or {@code nextAfter} (the
 * timeline) gives every event exactly once. Before, {@code ?limit=1000} over large notes was one answer of all of them
 * (the security review's OutOfMemoryError under -Xmx512m).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageByteCapIT {
    private static final int BUDGET = 65_536;
    private static final int NOTES = 30;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    private GatewayFixture fixture;
    private HttpApi http;
    private final List<String> stored = new ArrayList<>();

    /** PB-1: a declare, {@value #NOTES} notes of 20 KB, then one note larger than the whole budget. */
    @BeforeAll
    void startWithLargeNotes() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_PAGE_MAX_BYTES", Integer.toString(BUDGET)));
        http = fixture.http();
        stored.add(http.postJson("/api/v1/incidents", obj("id", "PB-1", "title", "t", "actor", "a")).json().get("event").get("id").asText());
        for (int i = 0; i < NOTES; i++) {
            stored.add(note(i + ":" + "n".repeat(20_000)));
        }
        stored.add(note("big:" + "b".repeat(100_000)));
    }

    private String note(String content) {
        Response r = http.postJson("/api/v1/incidents/PB-1/events", obj("type", "note", "actor", "a", "content", content));
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theSinceFeedStopsAtTheByteBudgetAndItsNextLinkGivesEveryEventOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String path = "/api/v1/events?limit=1000";
        while (path != null) {
            Response page = http.get(path);
            assertThat(page.status()).isEqualTo(200);
            int bytes = page.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat(bytes <= BUDGET || page.json().size() == 1).as("%s: %d bytes in %d events", path, bytes, page.json().size())
                    .isTrue();
            page.json().forEach(e -> seen.add(e.get("id").asText()));
            pageSizes.add(page.json().size());
            path = page.header("Link").map(link -> {
                Matcher m = NEXT.matcher(link);
                return m.find() ? m.group(1) : null;
            }).orElse(null);
            assertThat(pageSizes).as("pages").hasSizeLessThan(100);
        }
        assertThat(pageSizes.get(0)).as("the first page, limit 1000").isLessThan(stored.size()).isPositive();
        assertThat(seen).containsExactlyElementsOf(stored);
        assertThat(pageSizes).as("the note above the budget comes alone").contains(1);
    }

    @Test
    void aTimelinePageStopsAtTheByteBudgetAndNextAfterGivesEveryEventOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Response page = http.get("/api/v1/incidents/PB-1/timeline?limit=1000" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).isEqualTo(200);
            JsonNode body = page.json();
            assertThat(body.get("incidentId").asText()).isEqualTo("PB-1");
            if (pages == 0) {
                assertThat(body.get("events").size()).as("the first page, limit 1000").isLessThan(stored.size()).isPositive();
            }
            body.get("events").forEach(e -> seen.add(e.get("id").asText()));
            after = body.get("nextAfter").isNull() ? null : body.get("nextAfter").asText();
            assertThat(++pages).isLessThan(100);
        } while (after != null);
        assertThat(seen).containsExactlyElementsOf(stored);
    }
}
