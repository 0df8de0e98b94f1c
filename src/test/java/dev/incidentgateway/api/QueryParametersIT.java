package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.stream.StreamHttpHandler;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code /api/v1} route of a running gateway (found in its CamelContext, plus the live stream on the HTTP edge)
 * refuses a query parameter it does not read: 400 problem+json naming it and listing the ones it takes, so a misspelt
 * filter never answers the unfiltered list as if it were the filtered one. The parameters it does take still work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryParametersIT {
    private GatewayFixture fixture;
    private HttpApi http;

    /** QP-1 declared, QP-2 resolved. */
    @BeforeAll
    void startWithTwoIncidents() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
        for (String id : List.of("QP-1", "QP-2")) {
            assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", id, "title", "t", "actor", "a")).status()).isEqualTo(201);
        }
        assertThat(fixture.http().postJson("/api/v1/incidents/QP-2/events", obj("type", "resolve", "actor", "a")).status()).isEqualTo(201);
        http = fixture.http();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private record Endpoint(String method, String template) {
        String path() {
            return template.replace("{id}", template.startsWith("/api/v1/outbox") ? "1" : "QP-1");
        }
    }

    private List<Endpoint> apiRoutes() {
        List<Endpoint> out = new ArrayList<>();
        for (Route route : fixture.gateway().camelContext().getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && http.getPath().startsWith("/api/v1")) {
                out.add(new Endpoint(http.getHttpMethodRestrict().toUpperCase(), http.getPath()));
            }
        }
        out.add(new Endpoint("GET", StreamHttpHandler.PATH));
        return out;
    }

    /**
     * GET, reading the body only when the answer is not a stream: a stream that opened (the old behaviour, filtering
     * nothing) is closed at once instead of read until it ends, which it never does.
     */
    private Response get(String path) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + fixture.gateway().port() + path))
                .header("Authorization", "Bearer " + fixture.adminKey()).timeout(java.time.Duration.ofSeconds(30)).build();
        java.net.http.HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = r.body()) {
            boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            return new Response(r.statusCode(), r.headers(), stream ? "" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    static JsonNode assertUnknownParameter(Response r, String name) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.path("field").asText()).as(r.toString()).isEqualTo(name);
        assertThat(p.path("detail").asText()).as(r.toString()).contains("'" + name + "' is not a query parameter");
        assertThat(p.path("acceptedParameters").isArray()).as(r.toString()).isTrue();
        return p;
    }

    @Test
    void everyApiRouteDeclaresItsParametersAndRefusesAnUnknownOneByName() throws Exception {
        List<Endpoint> routes = apiRoutes();
        assertThat(routes).extracting(e -> e.method() + " " + e.template()).contains("GET /api/v1/incidents",
                "GET /api/v1/events", "GET /api/v1/stats", "GET /api/v1/outbox", "GET /api/v1/reports/sla", "GET /api/v1/stream");
        SoftAssertions soft = new SoftAssertions();
        for (Endpoint e : routes) {
            soft.assertThat(QueryParameters.accepted(e.method(), e.template()))
                    .as("%s %s is not in QueryParameters' table: declare the query parameters it reads there", e.method(), e.template())
                    .isNotNull();
            Response r = e.method().equals("GET") ? get(e.path() + "?bogus=1") : http.send(e.method(), e.path() + "?bogus=1");
            soft.assertThat(r.status()).as("%s %s?bogus=1: %s", e.method(), e.path(), r).isEqualTo(400);
            if (r.status() == 400) {
                soft.assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo("bogus");
            }
        }
        soft.assertAll();
    }

    @Test
    void theTrialsMisspeltFiltersAreRefusedNamingThemAndListingTheAccepted() throws Exception {
        JsonNode p = assertUnknownParameter(http.get("/api/v1/incidents?stauts=closed"), "stauts");
        assertThat(p.path("acceptedParameters").toString()).isEqualTo("[\"status\",\"severity\",\"limit\"]");
        assertThat(p.path("detail").asText()).contains("status, severity, limit");

        assertUnknownParameter(http.get("/api/v1/events?incident=QP-2"), "incident");
        assertUnknownParameter(get("/api/v1/stream?incidnet=QP-2"), "incidnet");
        assertUnknownParameter(http.get("/api/v1/outbox?connecter=x"), "connecter");
        JsonNode none = assertUnknownParameter(http.get("/api/v1/incidents/QP-1?verbose=1"), "verbose");
        assertThat(none.path("detail").asText()).contains("takes no query parameters");
        assertThat(none.path("acceptedParameters").size()).isZero();
        // The bulk replay was strict already: still so, through the same table.
        assertUnknownParameter(http.post("/api/v1/outbox/replay?connector=slack&incidentId=QP-1", "application/json", ""), "incidentId");
    }

    @Test
    void aRefusedWriteStoresNothing() {
        Response r = http.postJson("/api/v1/incidents/QP-1/events?dryRun=true", obj("type", "note", "actor", "a", "content", "c"));
        assertUnknownParameter(r, "dryRun");
        Response timeline = http.get("/api/v1/incidents/QP-1/timeline");
        assertThat(timeline.json().path("events").size()).isEqualTo(1);
    }

    @Test
    void headIsCheckedLikeGet() {
        Response r = http.send("HEAD", "/api/v1/incidents?stauts=closed");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(http.send("HEAD", "/api/v1/incidents?status=closed").status()).isEqualTo(200);
    }

    @Test
    void withoutACredentialTheAnswerIs401NotTheParameterList() {
        HttpApi anonymous = new HttpApi(fixture.gateway().port(), null);
        assertThat(anonymous.get("/api/v1/incidents?stauts=closed").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/stream?incidnet=QP-2").status()).isEqualTo(401);
    }

    @Test
    void theParametersEachRouteTakesStillWork() {
        assertThat(http.get("/api/v1/incidents?status=resolved&severity=sev3&limit=5").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/incidents/QP-1/timeline?limit=5").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/events?limit=5").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/outbox?status=dead&limit=5&after=0&connector=slack").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/reports/sla?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z").status()).isEqualTo(200);
        assertThat(http.send("HEAD", "/api/v1/stream?incident=QP-1&types=note").status()).isEqualTo(200);
        // Not under /api/v1: the console page takes its sign-in's return (?code=&state=) as before.
        assertThat(new HttpApi(fixture.gateway().port(), null).get("/?code=abc&state=xyz").status()).isEqualTo(200);
    }
}
