package dev.incidentgateway.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.ingest.poll.SourcePoller;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/** /health says STARTING (503) until every route has started, and turns DOWN (503) when a poller's credentials are refused, naming the poller. */
class OpsRouteHealthTest {

    @Test
    void aPollerWhoseCredentialsWereRefusedMakesHealthDown() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            TimelineStore store = new TimelineStore(ds, SqlDialect.H2, "dev.incidentgateway", 16, 100, meters, testStore.chainKey(), List.of());
            PollingSource refused = new PollingSource() {
                @Override
                public String name() {
                    return "servicenow";
                }

                @Override
                public Duration interval() {
                    return Duration.ofSeconds(60);
                }

                @Override
                public PollPage poll(String watermark) throws PollFailure {
                    throw new PollFailure(PollFailure.Kind.AUTH, "HTTP 401: User Not Authenticated", null);
                }
            };
            try (SourcePoller poller = new SourcePoller(refused, store, ds, SqlDialect.H2, Clock.systemUTC(), new SimpleMeterRegistry())) {
                ObjectMapper json = GatewayJson.create();
                OpsRoute ops = new OpsRoute(store, "H2", meters, json, new ApiEndpoint.Settings(new ProblemMapper(json), 1024),
                        List.of(poller));
                Principal reader = Principal.apiKey("reader", Set.of(Scope.READ));
                ApiResponse starting = ops.health(reader);
                assertThat(starting.status()).as("before every route has started").isEqualTo(503);
                assertThat(json.readTree(starting.body()).path("status").asText()).isEqualTo("STARTING");
                assertThat(starting.headers()).containsEntry("Retry-After", "1");
                assertThat(ops.readiness().status()).as("not ready before every route has started").isEqualTo(503);
                assertThat(json.readTree(ops.readiness().body()).path("status").asText()).isEqualTo("STARTING");
                assertThat(ops.liveness().status()).as("alive while starting").isEqualTo(200);
                ops.markStarted();
                assertThat(ops.health(reader).status()).isEqualTo(200);

                poller.tick();
                ApiResponse anonymous = ops.health(null);
                assertThat(anonymous.status()).isEqualTo(503);
                assertThat(json.readTree(anonymous.body())).as("without read: the status alone")
                        .isEqualTo(json.readTree("{\"status\":\"DOWN\"}"));
                assertThat(json.readTree(ops.health(Principal.apiKey("prom", Set.of(Scope.METRICS))).body()).has("checks")).isFalse();
                ApiResponse down = ops.health(reader);
                assertThat(down.status()).isEqualTo(503);
                JsonNode body = json.readTree(down.body());
                assertThat(body.path("status").asText()).isEqualTo("DOWN");
                assertThat(body.path("checks").path("store").path("status").asText()).isEqualTo("UP");
                assertThat(body.path("checks").path("poller-servicenow").path("status").asText()).isEqualTo("DOWN");
                assertThat(body.path("checks").path("poller-servicenow").path("detail").asText()).contains("401");
                // /health/ready leaves pollers out: an expired vendor credential must not take the instance out of the load balancer
                assertThat(ops.readiness().status()).isEqualTo(200);
                assertThat(json.readTree(ops.readiness().body())).isEqualTo(json.readTree("{\"status\":\"UP\"}"));
                assertThat(ops.liveness().status()).isEqualTo(200);
            } finally {
                store.close();
            }
        }
    }

    @Test
    void aStoreDownSaysWhyToAReaderAndOnlyTheStatusToAnyoneElse() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            // The probe asks a pool whose every connection the database refuses (a password changed under the gateway).
            javax.sql.DataSource refusing = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{javax.sql.DataSource.class}, (p, m, a) -> {
                        throw new java.sql.SQLTransientConnectionException("gateway-store - Connection is not available, request "
                                + "timed out after 5000ms", "28P01", new java.sql.SQLException(
                                "FATAL: password authentication failed for user \"gateway_app\"", "28P01"));
                    });
            TimelineStore store = new TimelineStore(ds, SqlDialect.H2, "dev.incidentgateway", 16, 100, meters, testStore.chainKey(), List.of())
                    .withHealthProbe(new dev.incidentgateway.store.StoreHealthProbe(refusing, Duration.ofMillis(20), Duration.ofMillis(100)));
            try {
                ObjectMapper json = GatewayJson.create();
                OpsRoute ops = new OpsRoute(store, "H2", meters, json, new ApiEndpoint.Settings(new ProblemMapper(json), 1024), List.of());
                ops.markStarted();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ops.health(null).status() == 503);
                JsonNode store503 = json.readTree(ops.health(Principal.apiKey("reader", Set.of(Scope.READ))).body()).path("checks").path("store");
                assertThat(store503.path("status").asText()).isEqualTo("DOWN");
                assertThat(store503.path("detail").asText()).contains("GATEWAY_DB_USER, GATEWAY_DB_PASSWORD")
                        .contains("password authentication failed");
                assertThat(json.readTree(ops.health(null).body())).isEqualTo(json.readTree("{\"status\":\"DOWN\"}"));
                assertThat(ops.readiness().status()).as("not ready while the store is down").isEqualTo(503);
                assertThat(json.readTree(ops.readiness().body())).isEqualTo(json.readTree("{\"status\":\"DOWN\"}"));
                assertThat(ops.liveness().status()).as("alive: a restart would not bring the database back").isEqualTo(200);
            } finally {
                store.close();
            }
        }
    }
}
