package dev.incidentgateway.security;

import dev.incidentgateway.api.RouteAccess;
import dev.incidentgateway.security.RouteAccessPolicy.Access;
import dev.incidentgateway.security.RouteAccessPolicy.Open;
import dev.incidentgateway.security.RouteAccessPolicy.Requires;
import dev.incidentgateway.security.RouteAccessPolicy.SelfAuthenticated;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scope matrix of EVERY HTTP route of a running gateway, found in its CamelContext (Java routes, the
 * shipped YAML routes, and YAML routes from a GATEWAY_ROUTES_DIR this test writes), so a route added later
 * is covered without touching this test. For each route and method: no credential → 401 with
 * {@code WWW-Authenticate: Bearer}; an unknown key → 401 {@code invalid_token}; a key lacking the scope → 403
 * naming it; a key with exactly that scope, and an admin key → neither 401 nor 403.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthMatrixContract {
    /** Routes of operators: left to the policy's default (GET → read, anything else → admin). */
    private static final String USER_ROUTES = """
            - route:
                id: matrix-any-method
                from:
                  uri: platform-http:/custom/matrix/{thing}
                  steps:
                    - removeHeaders: { pattern: "*" }
                    - setBody: { constant: "any method" }
            - route:
                id: matrix-get
                from:
                  uri: platform-http:/custom/report
                  parameters:
                    httpMethodRestrict: GET
                  steps:
                    - removeHeaders: { pattern: "*" }
                    - setBody: { constant: "a report" }
            - route:
                id: matrix-get-appends
                from:
                  uri: platform-http:/custom/append/{incident}
                  parameters:
                    httpMethodRestrict: GET
                  steps:
                    - setBody:
                        simple: '{"specversion":"1.0","id":"matrix-${exchangeId}","source":"urn:matrix","subject":"${header.incident}","type":"dev.incidentgateway.incident.declare","data":{"title":"declared by a GET"}}'
                    - to: timeline:append
                    - removeHeaders: { pattern: "*" }
                    - setBody: { constant: "stored" }
            """;

    private GatewayFixture fixture;
    private final Map<Scope, String> keyWithOnly = new EnumMap<>(Scope.class);

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() throws Exception {
        Path routes = TempDirs.directory("auth-matrix-routes-");
        Files.writeString(routes.resolve("matrix.camel.yaml"), USER_ROUTES);
        fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_ROUTES_DIR", routes.toString()));
        if (fixture == null) {
            return;
        }
        // Created while the gateway runs: the snapshot picks them up within seconds.
        ApiKeyStore store = TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource());
        for (Scope scope : Scope.values()) {
            keyWithOnly.put(scope, TestApiKeys.create(store, "only-" + scope.wireName(), Set.of(scope)));
        }
        HttpApi metrics = fixture.http().withBearer(keyWithOnly.get(Scope.METRICS));
        await().atMost(Duration.ofSeconds(15)).until(() -> metrics.get("/metrics").status() == 200);
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    /** One HTTP route of the running context and a method it answers. */
    record Endpoint(String routeId, String template, String method, boolean fromTest) {
        String path() {
            return template.replaceAll("\\{[^}/]*}", "MATRIX-1");
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (Route route : fixture.gateway().camelContext().getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http) {
                String restrict = http.getHttpMethodRestrict();
                List<String> methods = restrict == null || restrict.isBlank() ? List.of("GET", "POST", "PUT", "DELETE")
                        : List.of(restrict.toUpperCase().split("\\s*,\\s*"));
                for (String m : methods) {
                    out.add(new Endpoint(route.getRouteId(), http.getPath(), m, http.getPath().startsWith("/custom/")));
                }
            }
        }
        return out;
    }

    @Test
    void everyRouteOfTheContextIsFoundShippedAndOperatorRoutesAlike() {
        assertThat(endpoints()).extracting(Endpoint::toString).contains(
                "POST /api/v1/incidents", "GET /api/v1/incidents/{id}", "POST /api/v1/incidents/{id}/events",
                "GET /api/v1/stats", "POST /webhooks/{source}", "GET /health", "GET /metrics",
                "POST /api/v1/outbox/{id}/replay", "POST /api/v1/outbox/{id}/skip", "POST /api/v1/outbox/replay", "GET /custom/report",
                "GET /custom/matrix/{thing}", "DELETE /custom/matrix/{thing}", "GET /custom/append/{incident}");
    }

    /** What the route's policy requires: the scope table, and what only the route's definition tells (api/RouteAccess). */
    private Access access(Endpoint e) {
        return RouteAccess.of(e.routeId(), ((ModelCamelContext) fixture.gateway().camelContext())
                .getRouteDefinition(e.routeId())).access(e.template(), e.method());
    }

    @Test
    void everyShippedRouteIsInTheExplicitTableAndOnlyOperatorRoutesFallToTheDefault() {
        SoftAssertions soft = new SoftAssertions();
        for (Endpoint e : endpoints()) {
            soft.assertThat(RouteAccessPolicy.isExplicit(e.template(), e.method()) || e.fromTest())
                    .as("%s is served by the gateway but not in RouteAccessPolicy's table: decide its scope there", e)
                    .isTrue();
        }
        soft.assertAll();
    }

    @Test
    void onlyHealthWebhooksAndTheConsolePageAreReachableWithoutAnApiCredential() {
        assertThat(endpoints().stream()
                .filter(e -> !(access(e) instanceof Requires))
                .map(Endpoint::toString))
                // The console's page and files hold no data: every API call they make carries a key (issue 12).
                // The probes answer UP/DOWN/STARTING and nothing else, as /health does without a credential.
                .containsExactlyInAnyOrder("GET /health", "GET /health/ready", "GET /health/live", "POST /webhooks/{source}",
                        "GET /", "GET /console/{file}");
    }

    @Test
    void everyRouteRefusesAMissingOrWrongCredentialAndAMissingScope() {
        SoftAssertions soft = new SoftAssertions();
        String unknownKey = ApiKeys.generate();
        int checked = 0;
        for (Endpoint e : endpoints()) {
            Access access = access(e);
            if (access instanceof SelfAuthenticated || access instanceof Open) {
                continue; // webhooks check their own secrets; /health: see below
            }
            Scope needed = ((Requires) access).scope();
            checked++;

            Response none = call(e, null);
            soft.assertThat(none.status()).as("%s without a credential: %s", e, none).isEqualTo(401);
            soft.assertThat(none.header("WWW-Authenticate")).as("%s challenge", e).hasValue("Bearer");
            soft.assertThat(none.contentType()).as("%s", e).startsWith("application/problem+json");

            Response wrong = call(e, unknownKey);
            soft.assertThat(wrong.status()).as("%s with an unknown key: %s", e, wrong).isEqualTo(401);
            soft.assertThat(wrong.header("WWW-Authenticate")).as("%s", e).hasValue("Bearer error=\"invalid_token\"");
            soft.assertThat(wrong.toString()).as("%s never echoes the credential", e).doesNotContain(unknownKey);

            if (needed != Scope.ADMIN) {
                Scope other = needed == Scope.READ ? Scope.METRICS : Scope.READ;
                Response lacking = call(e, keyWithOnly.get(other));
                soft.assertThat(lacking.status()).as("%s with only %s: %s", e, other, lacking).isEqualTo(403);
                if (lacking.status() == 403) {
                    soft.assertThat(lacking.json().path("requiredScope").asText()).as("%s", e).isEqualTo(needed.wireName());
                    soft.assertThat(lacking.json().path("detail").asText()).as("%s", e).contains("'" + needed.wireName() + "'");
                }
            }
            for (Scope s : Scope.values()) {
                if (s != needed && s != Scope.ADMIN && needed != Scope.ADMIN) {
                    soft.assertThat(call(e, keyWithOnly.get(s)).status()).as("%s with only %s", e, s).isEqualTo(403);
                }
            }
            if (needed == Scope.ADMIN) {
                for (Scope s : List.of(Scope.READ, Scope.WRITE, Scope.OPERATE, Scope.METRICS)) {
                    Response r = call(e, keyWithOnly.get(s));
                    soft.assertThat(r.status()).as("%s with only %s: %s", e, s, r).isEqualTo(403);
                }
            }

            Response exact = call(e, keyWithOnly.get(needed));
            soft.assertThat(exact.status()).as("%s with %s: %s", e, needed, exact).isNotIn(401, 403);
            Response admin = call(e, fixture.adminKey());
            soft.assertThat(admin.status()).as("%s with admin: %s", e, admin).isNotIn(401, 403);
        }
        soft.assertThat(checked).as("routes checked").isGreaterThan(10);
        soft.assertAll();
    }

    @Test
    void aRouteOpenToAnyMethodTakesTheRealMethodNotAHeaderTheCallerSet() {
        Response r = fixture.http().withBearer(keyWithOnly.get(Scope.READ)).send("POST", "/custom/matrix/x", "CamelHttpMethod", "GET");
        assertThat(r.status()).as("a POST dressed up as a GET: %s", r).isEqualTo(403);
        assertThat(r.json().path("requiredScope").asText()).isEqualTo("admin");
    }

    /** A GET that stores is no read: the route sends to timeline:append, so it needs admin (decided at start from its steps). */
    @Test
    void anOperatorsGetRouteThatAppendsNeedsAdminAndStoresNothingForRead() {
        String incident = "INC-" + (700_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
        Response reader = fixture.http().withBearer(keyWithOnly.get(Scope.READ)).get("/custom/append/" + incident);
        assertThat(reader.status()).as("a read key on a GET that appends: %s", reader).isEqualTo(403);
        assertThat(reader.json().path("requiredScope").asText()).isEqualTo("admin");
        HttpApi admin = fixture.http().withBearer(fixture.adminKey());
        assertThat(admin.get("/api/v1/incidents/" + incident).status()).as("nothing stored").isEqualTo(404);

        Response byAdmin = admin.get("/custom/append/" + incident);
        assertThat(byAdmin.status()).as("%s", byAdmin).isEqualTo(200);
        assertThat(admin.get("/api/v1/incidents/" + incident).status()).isEqualTo(200);
    }

    @Test
    void healthIsOpenButShowsItsChecksOnlyToRead() {
        Response anonymous = call(new Endpoint("ops-health", "/health", "GET", false), null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json()).isEqualTo(HttpApi.obj("status", "UP"));
        Response metricsOnly = call(new Endpoint("ops-health", "/health", "GET", false), keyWithOnly.get(Scope.METRICS));
        assertThat(metricsOnly.json()).isEqualTo(HttpApi.obj("status", "UP"));
        Response wrong = call(new Endpoint("ops-health", "/health", "GET", false), ApiKeys.generate());
        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.json()).isEqualTo(HttpApi.obj("status", "UP"));
        Response reader = call(new Endpoint("ops-health", "/health", "GET", false), keyWithOnly.get(Scope.READ));
        assertThat(reader.json().path("checks").path("store").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void webhooksAreNotAskedForAnApiKeyButForTheirOwnSecret() {
        Response r = fixture.http().withBearer(null).post("/webhooks/alertmanager", "application/json", "{}",
                "Authorization", "Bearer " + fixture.adminKey());
        assertThat(r.status()).as("an API key is not a webhook secret: %s", r).isEqualTo(401);
        assertThat(r.json().path("type").asText()).isNotEqualTo("urn:incident-gateway:problem:insufficient-scope");
    }

    @Test
    void anotherAuthorizationSchemeIsChallengedWithoutAnErrorCode() {
        // RFC 6750 §3.1: a request that "attempted using an unsupported authentication method" gets no error code;
        // error="invalid_token" told a client that sent Basic credentials that a bearer token it never sent was bad.
        String basic = java.util.Base64.getEncoder().encodeToString(("x:" + fixture.adminKey()).getBytes(StandardCharsets.UTF_8));
        for (String authorization : List.of("Basic " + basic, fixture.adminKey())) {
            Response r = fixture.http().withBearer(null).get("/api/v1/incidents", "Authorization", authorization);
            assertThat(r.status()).as("%s", r).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).hasValue("Bearer");
            assertThat(r.json().path("detail").asText()).contains("Authorization: Bearer");
            assertThat(r.toString()).doesNotContain(fixture.adminKey()).doesNotContain(basic);
        }
    }

    private Response call(Endpoint e, String key) {
        return fixture.http().withBearer(key).send(e.method(), e.path());
    }
}
