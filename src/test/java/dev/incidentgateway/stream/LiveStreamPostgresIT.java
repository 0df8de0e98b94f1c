package dev.incidentgateway.stream;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live stream on PostgreSQL: fed by the Since-feed tail (stream.source=auto), as with several gateways on
 * one database. Without GATEWAY_TEST_PG_URL every test reports itself skipped (failed in CI).
 */
class LiveStreamPostgresIT extends LiveStreamContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }

    @Test
    void aSubscriberOfOneInstanceSeesWhatAnotherInstanceCommits() throws Exception {
        try (Gateway other = Gateway.create(fixture.store().config(Map.of("GATEWAY_STREAM_POLL_MS", "50"))).start()) {
            HttpApi viaOther = new HttpApi(other.port(), fixture.adminKey());
            String incident = "MULTI-1";
            assertThat(viaOther.postJson("/api/v1/incidents", obj("id", incident, "title", "two instances", "actor", "t")).status())
                    .isEqualTo(201);
            try (SseSubscriber here = SseSubscriber.open(port, fixture.adminKey(), "?incident=" + incident)) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    HttpApi writer = i % 2 == 0 ? viaOther : http; // both instances append, interleaved
                    HttpApi.Response r = writer.postJson("/api/v1/incidents/" + incident + "/events",
                            obj("type", "note", "actor", "t", "content", "n" + i));
                    assertThat(r.status()).as(r.toString()).isEqualTo(201);
                    expected.add(r.json().path("id").asText());
                }
                assertThat(here.awaitEvents(40, Duration.ofMinutes(2)).stream().map(SseSubscriber.Event::id).toList())
                        .isEqualTo(expected);
            }
        }
    }
}
