package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the user-route ITs run on: a gateway (H2) serving a user's YAML routes from GATEWAY_ROUTES_DIR, and their answers' checks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UserRoutesHarness {
    static final String INTERNAL_ERROR = "urn:incident-gateway:problem:internal-error";
    static final String MALFORMED_JSON = "urn:incident-gateway:problem:malformed-json";

    GatewayFixture fixture;
    HttpApi http;

    /** Starts the gateway with {@code yaml} as the one file of its routes directory. */
    void startWithRoutes(String yaml) throws Exception {
        Path routesDir = TempDirs.directory("user-routes-");
        Files.writeString(routesDir.resolve("hooks.camel.yaml"), yaml);
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_ROUTES_DIR", routesDir.toString()));
        http = fixture.http();
    }

    @AfterAll
    void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** {@code r} is a problem+json of {@code status} and {@code type}, naming {@code field} (null: any or none). */
    static Response assertProblem(Response r, int status, String type, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).isEqualTo(type);
        if (field != null) {
            assertThat(r.json().path("field").asText()).isEqualTo(field);
        }
        return r;
    }

    /** The sender's 400 naming {@code field}: a body or a field of it the route could not read. */
    static Response assertInvalidField(Response r, String field) {
        return assertProblem(r, 400, "urn:incident-gateway:problem:invalid-field", field);
    }
}
