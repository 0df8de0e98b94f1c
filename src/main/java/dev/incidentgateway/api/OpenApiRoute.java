package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.camel.builder.RouteBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /api/v1/openapi.yaml} and {@code GET /api/v1/openapi.json}: the API's OpenAPI 3.1 document, for the scripts,
 * bots and tooling that call the gateway. One file in the jar ({@link #RESOURCE}); the JSON is that file converted once
 * here, so the two can never say different things. Scope {@code read}, as the rest of {@code /api/v1} (RouteAccessPolicy).
 */
public final class OpenApiRoute extends RouteBuilder {
    public static final String RESOURCE = "/openapi/openapi.yaml";
    static final String YAML_TYPE = "application/yaml";

    private final ApiEndpoint.Settings endpoints;
    private final byte[] yaml;
    private final byte[] json;

    public OpenApiRoute(ApiEndpoint.Settings endpoints, ObjectMapper json) {
        this.endpoints = endpoints;
        this.yaml = document();
        try {
            JsonNode tree = new YAMLMapper().readTree(yaml);
            this.json = json.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("the jar's " + RESOURCE + " is not YAML", e);
        }
    }

    /** The document as it is in the jar. */
    public static byte[] document() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void configure() {
        from("platform-http:/api/v1/openapi.yaml?httpMethodRestrict=GET").routeId("api-openapi-yaml")
                .process(endpoints.read(req -> new ApiResponse(200, YAML_TYPE, yaml, Map.of())));
        from("platform-http:/api/v1/openapi.json?httpMethodRestrict=GET").routeId("api-openapi-json")
                .process(endpoints.read(req -> ApiResponse.json(200, json)));
    }
}
