package dev.incidentgateway.stream;

import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One credential cannot take every live-stream slot: past GATEWAY_STREAM_MAX_PER_PRINCIPAL its next stream gets 429,
 * while other callers still open theirs (up to GATEWAY_STREAM_MAX_SUBSCRIBERS, then 503 as before).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamPerPrincipalLimitIT {
    private static final int PER_PRINCIPAL = 3;
    private static final int MAX_STREAMS = 5;
    private GatewayFixture fixture;

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_STREAM_MAX_PER_PRINCIPAL", Integer.toString(PER_PRINCIPAL),
                "GATEWAY_STREAM_MAX_SUBSCRIBERS", Integer.toString(MAX_STREAMS)));
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void oneReadKeyGetsItsShareAndOthersStillOpenStreams() throws Exception {
        int port = fixture.gateway().port();
        String reader = TestApiKeys.create(TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource()), "stream-reader", Set.of(Scope.READ));
        for (int i = 0; i < 100 && new HttpApi(port, reader).get("/api/v1/incidents?limit=1").status() == 401; i++) {
            Thread.sleep(100); // the key snapshot reloads every 2 s
        }
        List<SseSubscriber> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_PRINCIPAL; i++) {
                SseSubscriber stream = SseSubscriber.open(port, reader, "");
                open.add(stream);
                assertThat(stream.status()).isEqualTo(200);
            }
            SseSubscriber oneMore = SseSubscriber.open(port, reader, "", null, Integer.MAX_VALUE);
            open.add(oneMore);
            assertThat(oneMore.status()).as("past the key's share").isEqualTo(429);
            assertThat(oneMore.contentType()).startsWith("application/problem+json");
            oneMore.close();

            HttpApi.Response refused = new HttpApi(port, reader).get("/api/v1/stream");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).contains("5");
            assertThat(refused.json().path("detail").asText()).contains("GATEWAY_STREAM_MAX_PER_PRINCIPAL").contains("key:stream-reader");

            for (int i = PER_PRINCIPAL; i < MAX_STREAMS; i++) { // another caller's streams: not counted against the reader's
                SseSubscriber admin = SseSubscriber.open(port, fixture.adminKey(), "");
                open.add(admin);
                assertThat(admin.status()).isEqualTo(200);
            }
            SseSubscriber beyondTheGateway = SseSubscriber.open(port, fixture.adminKey(), "", null, Integer.MAX_VALUE);
            open.add(beyondTheGateway);
            assertThat(beyondTheGateway.status()).as("the gateway's own limit is unchanged").isEqualTo(503);

            open.get(0).close(); // the reader closes one of its streams: its share has room again
            SseSubscriber again = null;
            for (int i = 0; i < 100 && (again == null || again.status() != 200); i++) {
                if (again != null) {
                    again.close();
                    Thread.sleep(100);
                }
                again = SseSubscriber.open(port, reader, "", null, Integer.MAX_VALUE);
            }
            open.add(again);
            assertThat(again.status()).isEqualTo(200);
        } finally {
            for (SseSubscriber s : open) {
                s.close();
            }
        }
    }
}
