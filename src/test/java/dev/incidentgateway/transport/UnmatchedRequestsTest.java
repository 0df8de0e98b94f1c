package dev.incidentgateway.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which route paths a request path falls under, for the {@code Allow} of a 405, and the edge's "is it routed". */
class UnmatchedRequestsTest {

    @Test
    void aTemplateMatchesItsOwnPathParametersAndATrailingWildcardMatchesAnyRest() {
        assertThat(UnmatchedRequests.matches("/api/v1/incidents", "/api/v1/incidents")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/INC-1")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/")).as("an empty parameter").isFalse();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/INC-1/events")).isFalse();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id/events", "/api/v1/incidents/INC-1/events")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id/events", "/api/v1/incidents/INC-1/timeline")).isFalse();
        assertThat(UnmatchedRequests.matches("/console/*", "/console/a/b.js")).isTrue();
        assertThat(UnmatchedRequests.matches("/console/*", "/other/a.js")).isFalse();
        assertThat(UnmatchedRequests.matches("/webhooks/:source", "/webhooks")).isFalse();
    }

    /** The matcher walks both strings in place; it answers what splitting them at every '/' answered. */
    @Test
    void matchingInPlaceAnswersWhatSplittingAnswered() {
        List<String> templates = List.of("/", "/a", "/a/", "/a/b", "/a/:x", "/a/:x/c", "/:x", "/:x/:y", "/a/*", "/*", "/a/b/*",
                "/a/:x/*", "", "a", "/a//b", "/:", "/a/b*");
        List<String> paths = List.of("/", "", "/a", "/a/", "/a/b", "/a/bb", "/a/b/", "/a/b/c", "/a//b", "/a/x/c", "/b", "/ab",
                "//", "/a/b/c/d", "a", "/a/:x", "/:");
        for (String template : templates) {
            for (String path : paths) {
                assertThat(UnmatchedRequests.matches(template, path)).as(template + " ~ " + path).isEqualTo(bySplitting(template, path));
            }
        }
    }

    /**
     * The edge asks "does a route take this method here" of every request with a body, on the event loop. Answered by
     * building the Allow set, with both strings split for every route, it allocated ≈ 220 KB per webhook there (JFR,
     * bench/webhook.sh, session 36); now it is one copy of the route list.
     */
    @Test
    void askingWhetherARouteTakesARequestAllocatesNothingPerRoute() {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            for (int i = 0; i < 80; i++) {
                router.route(HttpMethod.GET, "/api/v1/things" + i + "/:id/events").handler(ctx -> { });
            }
            router.route(HttpMethod.POST, "/webhooks/:source").handler(ctx -> { });
            UnmatchedRequests unmatched = UnmatchedRequests.install(router, null, null);
            assertThat(unmatched.takes("/webhooks/alertmanager", "POST")).isTrue();
            assertThat(unmatched.takes("/webhooks/alertmanager", "GET")).isFalse();
            assertThat(unmatched.takes("/api/v1/things3/x/events", "HEAD")).as("HEAD where GET is").isTrue();
            assertThat(unmatched.takes("/nowhere", "POST")).isFalse();

            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 20_000; i++) { // compiled first, so escape analysis counts as it will on the event loop
                unmatched.takes("/webhooks/alertmanager", "POST");
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                unmatched.takes("/webhooks/alertmanager", "POST");
            }
            long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / 1_000;
            assertThat(perCall).as("bytes allocated per question, 82 routes").isLessThan(1_024);
        } finally {
            vertx.close();
        }
    }

    /** The matcher as it was: both strings split at every '/'. */
    private static boolean bySplitting(String template, String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        boolean rest = template.endsWith("*");
        if (rest ? got.length < want.length - 1 : got.length != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (rest && i == want.length - 1) {
                return true;
            }
            if (!want[i].startsWith(":") && !want[i].equals(got[i])) {
                return false;
            }
            if (want[i].startsWith(":") && got[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
