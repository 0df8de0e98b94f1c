package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connectors directory at start: a descriptor's typo (a top-level key nothing reads, a wrong or missing kind) and a
 * {@code GATEWAY_CONNECTORS_DIR} that does not exist stop it as bad configuration (exit 2, the file and key named),
 * and a {@code kind: sink} descriptor without a Java connector gives a YAML-only target's route its settings.
 */
class ConnectorDescriptorStartIT {
    @TempDir
    Path connectors;
    @TempDir
    Path routes;

    private static int run(Map<String, String> env, ByteArrayOutputStream err) throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2)) {
            Map<String, String> all = new java.util.HashMap<>(env);
            all.put("GATEWAY_HTTP_PORT", "0");
            return GatewayMain.run(new String[0], () -> store.config(all),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @Timeout(120) // a start that does not fail runs until stopped
    @CsvSource(delimiter = '|', value = {
            "a misspelt minSeverity and template | slack | 'kind: sink\\nname: slack\\nevents: [declare]\\nminSeverty: sev1\\ntemplate: {}\\n' "
                    + "| connectors/slack.yaml: unknown key 'minSeverty' (known: kind, name, enabled, events, minSeverity, templates",
            "a misspelt rateLimit | qux | 'kind: webhook-source\\nname: qux\\nmapper: cloudevents\\nauth: {mode: none}\\nrateLimt: {perSecond: 1}\\n' "
                    + "| connectors/qux.yaml: unknown key 'rateLimt'",
            "a misspelt kind | qux | 'kind: webhook-sourc\\nname: qux\\nmapper: cloudevents\\nauth: {mode: none}\\n' "
                    + "| connectors/qux.yaml: unknown kind 'webhook-sourc'",
            "no kind | qux | 'name: qux\\nmapper: cloudevents\\nauth: {mode: none}\\n' | connectors/qux.yaml: no kind"})
    void aTypoInADescriptorIsBadConfigurationNamingTheFileAndTheKey(String what, String name, String yaml, String named)
            throws Exception {
        Files.writeString(connectors.resolve(name + ".yaml"), yaml.replace("\\n", "\n"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(Map.of("GATEWAY_CONNECTORS_DIR", connectors.toString()), err);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(message).isEqualTo(2);
        assertThat(message).startsWith("Invalid configuration:").contains(named).doesNotContain("\tat ");
    }

    @Test
    @Timeout(120)
    void aConnectorsDirThatWasSetButDoesNotExistIsBadConfigurationNamingTheKey() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path missing = connectors.resolve("typo");
        int code = run(Map.of("GATEWAY_CONNECTORS_DIR", missing.toString()), err);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(message).isEqualTo(2);
        assertThat(message).contains("GATEWAY_CONNECTORS_DIR").contains("directory not found: " + missing.toAbsolutePath());
    }

    @Test
    @Timeout(120)
    void aYamlOnlyTargetsRouteTakesEventsAndMinSeverityFromItsSinkDescriptor() throws Exception {
        Files.writeString(connectors.resolve("http-export.yaml"), """
                kind: sink
                name: http-export
                events: [declare, ack]
                minSeverity: sev2
                """);
        Files.writeString(routes.resolve("export.camel.yaml"), """
                - route:
                    id: http-export
                    from:
                      uri: timeline:outbox?connector=http-export
                      steps:
                        - log: "exported ${header.TimelineEventId}"
                """);
        try (GatewayFixture g = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_CONNECTORS_DIR", connectors.toString(),
                "GATEWAY_ROUTES_DIR", routes.toString()))) {
            HttpApi http = g.http();
            assertThat(http.postJson("/api/v1/incidents", obj("id", "EXP-1", "title", "t", "actor", "a", "severity", "sev2")).status())
                    .isEqualTo(201);
            assertThat(http.postJson("/api/v1/incidents", obj("id", "EXP-2", "title", "t", "actor", "a", "severity", "sev3")).status())
                    .isEqualTo(201);
            assertThat(http.postJson("/api/v1/incidents/EXP-1/events", obj("type", "note", "actor", "a", "content", "n")).status())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode items = http.get("/api/v1/outbox?connector=http-export").json().path("items");
                assertThat(items).as(items.toString()).hasSize(1); // EXP-1's declare: not EXP-2 (sev3), not the note
                assertThat(items.get(0).path("status").asText()).isEqualTo("delivered");
            });
        }
    }
}
