package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.WebhookRequest;
import dev.incidentgateway.timeline.NewEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Test helpers: shipped descriptors, fixture bodies, requests and the 400 a mapping answers. */
final class Fixtures {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A descriptor from the repository's connectors/ directory (tests run in the project directory). */
    static JsonNode descriptor(String name) {
        try {
            return YAML.readTree(Path.of("connectors/" + name + ".yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonPathWebhookMapper shipped(String name) {
        JsonNode d = descriptor(name);
        assertThat(d.path("kind").asText()).isEqualTo("webhook-source");
        assertThat(d.path("name").asText()).isEqualTo(name);
        assertThat(d.path("mapper").asText()).isEqualTo("jsonpath");
        return JsonPathWebhookMapper.fromDescriptor(name, d.path("mapping"));
    }

    static JsonPathWebhookMapper fromYaml(String name, String descriptorYaml) {
        try {
            return JsonPathWebhookMapper.fromDescriptor(name, YAML.readTree(descriptorYaml).path("mapping"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fixture(String file) {
        try {
            return Files.readString(Path.of("src/test/resources/fixtures/" + file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture's JSON, for tests that change one field. */
    static JsonNode tree(String file) {
        try {
            return JSON.readTree(fixture(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WebhookRequest request(String source, String body) {
        return request(source, body, "application/json");
    }

    static WebhookRequest request(String source, String body, String contentType) {
        return new WebhookRequest(source, contentType == null ? Map.of() : Map.of("Content-Type", contentType),
                body.getBytes(StandardCharsets.UTF_8));
    }

    static List<NewEvent> map(JsonPathWebhookMapper mapper, String body) {
        return mapper.map(request(mapper.mapping().name(), body));
    }

    static NewEvent single(JsonPathWebhookMapper mapper, String body) {
        List<NewEvent> events = map(mapper, body);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    /** Maps and expects a 400 naming {@code field}; returns the problem for further checks. */
    static ApiProblem badRequest(JsonPathWebhookMapper mapper, String body, String field) {
        ApiProblem p = catchThrowableOfType(ApiProblem.class, () -> map(mapper, body));
        assertThat(p).as("an ApiProblem for field " + field).isNotNull();
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.field()).isEqualTo(field);
        return p;
    }
}
