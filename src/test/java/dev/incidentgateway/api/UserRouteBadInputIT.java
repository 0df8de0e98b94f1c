package dev.incidentgateway.api;

import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's own YAML routes on platform-http (GATEWAY_ROUTES_DIR), none with an onException: a body their steps cannot
 * read (jsonpath, unmarshal, a conversion) is the sender's 400 problem+json naming {@code body}, never a 5xx; a Map or
 * List body is answered as JSON; a body that cannot be written is a problem+json 500, not platform-http's plain 500;
 * the target's trouble stays a 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserRouteBadInputIT {
    private static final String ROUTES = """
            - route:
                id: hooks-x
                from:
                  uri: platform-http:/hooks/x
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - setHeader:
                        name: alertName
                        jsonpath: $.alert.name
                    - setBody:
                        simple: "got ${header.alertName}"
            - route:
                id: hooks-choice
                from:
                  uri: platform-http:/hooks/choice
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - choice:
                        when:
                          - jsonpath: "$[?(@.severity == 'critical')]"
                            steps:
                              - setBody:
                                  constant: critical
                        otherwise:
                          steps:
                            - setBody:
                                constant: other
            - route:
                id: hooks-echo
                from:
                  uri: platform-http:/hooks/echo
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - unmarshal:
                        json: {}
                    - removeHeaders:
                        pattern: "*"
            - route:
                id: hooks-items
                from:
                  uri: platform-http:/hooks/items
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - setBody:
                        jsonpath: $.items
                    - removeHeaders:
                        pattern: "*"
            - route:
                id: hooks-number
                from:
                  uri: platform-http:/hooks/number
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - convertBodyTo:
                        type: java.lang.String
                    - convertBodyTo:
                        type: java.lang.Integer
                    - removeHeaders:
                        pattern: "*"
            - route:
                id: hooks-unwritable
                from:
                  uri: platform-http:/hooks/unwritable
                  steps:
                    - setBody:
                        simple: "${exchange}"
            - route:
                id: hooks-target
                from:
                  uri: platform-http:/hooks/target
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - removeHeaders:
                        pattern: "*"
                    - to: "{{target}}"
                    - setHeader:
                        name: answer
                        jsonpath: $.ok
                    - setBody:
                        constant: "target answered"
            """;

    private Path routesDir;
    private HttpServer target;
    private GatewayFixture fixture;
    private HttpApi http;

    @BeforeAll
    void start() throws Exception {
        // A target that answers with broken JSON: a parse error of ITS answer is not the sender's fault.
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/garbage", exchange -> {
            byte[] body = "{\"ok\": tru".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        routesDir = Files.createTempDirectory("user-routes-");
        Files.writeString(routesDir.resolve("hooks.camel.yaml"), ROUTES.replace("{{target}}",
                "http://127.0.0.1:" + target.getAddress().getPort() + "/garbage"));
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_ROUTES_DIR", routesDir.toString()));
        http = fixture.http();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (target != null) {
            target.stop(0);
        }
    }

    @Test
    void aJsonpathHeaderOnAMalformedBodyIsTheSendersBadRequest() {
        Response ok = http.post("/hooks/x", "application/json", "{\"alert\":{\"name\":\"disk\"}}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("got disk");

        assertMalformedBody(http.post("/hooks/x", "application/json", "{\"alert\": {\"name\": "), "/hooks/x");
        assertMalformedBody(http.post("/hooks/x", "application/json", "not json at all"), "/hooks/x");
    }

    @Test
    void aChoiceOnJsonpathOverAMalformedBodyIsTheSendersBadRequest() {
        Response critical = http.post("/hooks/choice", "application/json", "{\"severity\":\"critical\"}");
        assertThat(critical.status()).as(critical.toString()).isEqualTo(200);
        assertThat(critical.body()).isEqualTo("critical");

        assertMalformedBody(http.post("/hooks/choice", "application/json", "{\"severity\": critical"), "/hooks/choice");
    }

    @Test
    void anUnmarshalledBodyIsAnsweredAsJsonAndAMalformedOneIsTheSendersBadRequest() {
        Response echo = http.post("/hooks/echo", "application/json", "{\"a\":1,\"b\":[true,\"x\"]}");
        assertThat(echo.status()).as(echo.toString()).isEqualTo(200);
        assertThat(echo.contentType()).startsWith("application/json");
        assertThat(echo.json()).isEqualTo(HttpApi.obj("a", 1, "b", HttpApi.JSON.createArrayNode().add(true).add("x")));

        Response malformed = http.post("/hooks/echo", "application/json", "{\"a\":");
        assertMalformedBody(malformed, "/hooks/echo");
        assertThat(malformed.json().path("detail").asText()).as("the parser's words and where, not its internals")
                .contains("not valid JSON", "line 1").doesNotContain("REDACTED", "StreamReadFeature");
    }

    @Test
    void aListBodyIsAnsweredAsJson() {
        Response items = http.post("/hooks/items", "application/json", "{\"items\":[{\"id\":1},{\"id\":2}]}");
        assertThat(items.status()).as(items.toString()).isEqualTo(200);
        assertThat(items.contentType()).startsWith("application/json");
        assertThat(items.json().size()).isEqualTo(2);
        assertThat(items.json().get(1).path("id").asInt()).isEqualTo(2);
    }

    @Test
    void aBodyThatDoesNotConvertIsTheSendersBadRequest() {
        Response number = http.post("/hooks/number", "text/plain", "42");
        assertThat(number.status()).as(number.toString()).isEqualTo(200);
        assertThat(number.body()).isEqualTo("42");

        Response words = http.post("/hooks/number", "text/plain", "forty-two");
        assertThat(words.status()).as(words.toString()).isEqualTo(400);
        assertThat(words.contentType()).startsWith("application/problem+json");
        assertThat(words.json().path("field").asText()).isEqualTo("body");
        assertThat(words.json().path("detail").asText()).contains("Integer");
    }

    @Test
    void aBodyTheGatewayCannotWriteIsAProblemNotAPlain500() {
        Response r = http.get("/hooks/unwritable");
        assertThat(r.status()).as(r.toString()).isEqualTo(500);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("type").asText()).isEqualTo("urn:incident-gateway:problem:internal-error");
    }

    @Test
    void aTargetsBrokenAnswerStaysTheGatewaysFaultNotTheSenders() {
        Response r = http.post("/hooks/target", "application/json", "{}");
        assertThat(r.status()).as("the target's JSON, not the sender's, is broken: %s", r).isGreaterThanOrEqualTo(500);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    private static void assertMalformedBody(Response r, String path) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asText()).isEqualTo("body");
        assertThat(r.json().path("type").asText()).isEqualTo("urn:incident-gateway:problem:malformed-json");
        assertThat(r.json().path("instance").asText()).isEqualTo(path);
    }
}
