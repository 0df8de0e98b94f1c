package dev.incidentgateway.stream;

import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.FakeOidcProvider;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open live stream is authenticated again while it stays open, not only when it opens: once its API key is revoked
 * or its access token expired (plus the allowed skew) it gets no more events and ends with a comment saying why, so the
 * client reconnects into its 401. Before, the stream kept receiving every event for as long as the client held it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamCredentialLapseIT {
    private static final String AUDIENCE = "incident-gateway";
    private FakeOidcProvider idp;
    private GatewayFixture fixture;

    @BeforeAll
    void start() throws Exception {
        idp = new FakeOidcProvider(AUDIENCE);
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(),
                "GATEWAY_OIDC_AUDIENCE", AUDIENCE, "GATEWAY_OIDC_SCOPE_PREFIX", "gateway:"));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {fixture, idp}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void aRevokedKeysOpenStreamGetsNoFurtherEventAndEndsSayingWhy() throws Exception {
        int port = fixture.gateway().port();
        var keys = TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource());
        String reader = TestApiKeys.create(keys, "stream-revoked", Set.of(Scope.READ));
        HttpApi asReader = new HttpApi(port, reader);
        for (int i = 0; i < 100 && asReader.get("/api/v1/whoami").status() == 401; i++) {
            Thread.sleep(100); // the key snapshot reloads every 2 s
        }
        try (SseSubscriber stream = SseSubscriber.open(port, reader, "")) {
            assertThat(stream.status()).isEqualTo(200);
            declare("LAPSE-1");
            assertThat(stream.awaitEvents(1, Duration.ofSeconds(30))).as("delivered while the key is valid").hasSize(1);

            assertThat(keys.revoke("stream-revoked", Instant.now())).isTrue();
            for (int i = 0; i < 100 && asReader.get("/api/v1/whoami").status() != 401; i++) {
                Thread.sleep(100);
            }
            assertThat(asReader.get("/api/v1/whoami").status()).isEqualTo(401);
            Thread.sleep(StreamCredentialCheck.EVERY.toMillis() + 100); // the stream's own re-check interval
            declare("LAPSE-2");
            assertEndedBefore(stream, "LAPSE-2", "the API key was revoked");
        }
        assertThat(SseSubscriber.open(port, reader, "", null, Integer.MAX_VALUE).status()).as("its reconnect").isEqualTo(401);
        assertThat(fixture.http().get("/metrics").body()).containsPattern("gateway_stream_dropped_total\\{reason=\"credential-lapsed\"\\} [1-9]");
    }

    @Test
    void anAccessTokensStreamEndsOnceTheTokenExpiredBeyondTheSkew() throws Exception {
        int port = fixture.gateway().port();
        // Accepted for about 5 s more (the gateway allows 60 s of clock skew): time enough to open the stream, and the
        // test then waits out those seconds (with -50 s it waited 10).
        idp.tokenLifetime(Duration.ofSeconds(-55));
        String token;
        try {
            token = idp.accessToken("stream-watcher", "gateway:read");
        } finally {
            idp.tokenLifetime(Duration.ofMinutes(10));
        }
        try (SseSubscriber stream = SseSubscriber.open(port, token, "")) {
            assertThat(stream.status()).isEqualTo(200);
            HttpApi withToken = new HttpApi(port, token);
            for (int i = 0; i < 300 && withToken.get("/api/v1/whoami").status() != 401; i++) {
                Thread.sleep(100);
            }
            assertThat(withToken.get("/api/v1/whoami").status()).as("expired beyond the skew").isEqualTo(401);
            Thread.sleep(StreamCredentialCheck.EVERY.toMillis() + 100); // the stream's own re-check interval
            declare("EXPIRED-1");
            assertEndedBefore(stream, "EXPIRED-1", "the access token expired");
        }
        assertThat(SseSubscriber.open(port, token, "", null, Integer.MAX_VALUE).status()).as("its reconnect").isEqualTo(401);
    }

    /** The server ended the stream, saying {@code why}, and never sent the incident declared after the credential lapsed. */
    private static void assertEndedBefore(SseSubscriber stream, String incident, String why) throws InterruptedException {
        assertThat(stream.awaitFinished(Duration.ofSeconds(30))).as("the server ended the stream").isTrue();
        assertThat(stream.events()).extracting(SseSubscriber.Event::data).noneMatch(d -> d.contains(incident));
        assertThat(stream.comments()).anyMatch(c -> c.contains(why));
    }

    private void declare(String id) throws Exception {
        assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", id, "title", "t", "actor", "api")).status()).isEqualTo(201);
    }
}
