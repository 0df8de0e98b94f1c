package dev.incidentgateway.api;

import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's own YAML routes on platform-http (GATEWAY_ROUTES_DIR), none with an onException: a body their steps cannot
 * read (jsonpath, unmarshal, a conversion) is the sender's 400 problem+json naming {@code body}, never a 5xx; a field a
 * jsonpath reads missing from a well-formed body is a 400 naming the path; a route's own bug stays a 500; a Map or
 * List body is answered as JSON; a body that cannot be written is a problem+json 500, not platform-http's plain 500;
 * the target's trouble stays a 5xx.
 */
class UserRouteBadInputIT extends UserRoutesHarness {
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
                id: hooks-declare
                from:
                  uri: platform-http:/hooks/declare
                  steps:
                    - setHeader:
                        name: service
                        jsonpath: $.data.labels.service
                    - to: timeline:append
            - route:
                id: hooks-optional
                from:
                  uri: platform-http:/hooks/optional
                  steps:
                    - setHeader:
                        name: alertName
                        jsonpath:
                          expression: $.alert.name
                          suppressExceptions: true
                    - setBody:
                        simple: "got ${header.alertName}"
            - route:
                id: hooks-bug
                from:
                  uri: platform-http:/hooks/bug
                  steps:
                    - unmarshal:
                        json: {}
                    - throwException:
                        exceptionType: java.lang.NullPointerException
                        message: a bug in the route
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

    private HttpServer target;

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
        startWithRoutes(ROUTES.replace("{{target}}", "http://127.0.0.1:" + target.getAddress().getPort() + "/garbage"));
    }

    @AfterAll
    void stopTarget() {
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
    void aFieldAJsonpathReadsMissingFromTheBodyIsTheSendersBadRequestNamingThePath() {
        for (String body : new String[] {"{\"alert\":{}}", "{\"other\":1}", "{\"alert\":\"disk\"}", "[]"}) {
            Response r = assertInvalidField(http.post("/hooks/x", "application/json", body), "$.alert.name");
            assertThat(r.json().path("detail").asText()).as(body).contains("$.alert.name").doesNotContain("JsonProvider");
        }
        // suppressExceptions: the route takes the field as optional
        Response optional = http.post("/hooks/optional", "application/json", "{\"other\":1}");
        assertThat(optional.status()).as(optional.toString()).isEqualTo(200);
    }

    @Test
    void aDeclareWithoutTheFieldTheRouteReadsIsRefusedAndNothingIsStored() {
        String declare = "{\"specversion\":\"1.0\",\"id\":\"np-%s\",\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.declare\","
                + "\"subject\":\"NP-%s\",\"data\":{\"title\":\"disk full\",\"actor\":\"monitor\"%s}}";
        assertInvalidField(http.post("/hooks/declare", "application/json", declare.formatted(1, 1, "")), "$.data.labels.service");
        assertThat(http.get("/api/v1/incidents/NP-1").status()).as("nothing stored").isEqualTo(404);

        Response stored = http.post("/hooks/declare", "application/json", declare.formatted(2, 2, ",\"labels\":{\"service\":\"db\"}"));
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(http.get("/api/v1/incidents/NP-2").status()).isEqualTo(200);
    }

    @Test
    void aRouteBugAfterAWellFormedBodyStaysTheGatewaysFault() {
        assertProblem(http.post("/hooks/bug", "application/json", "{\"alert\":{\"name\":\"disk\"}}"), 500, INTERNAL_ERROR, null);
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
        assertProblem(http.get("/hooks/unwritable"), 500, INTERNAL_ERROR, null);
    }

    @Test
    void aTargetsBrokenAnswerStaysTheGatewaysFaultNotTheSenders() {
        Response r = http.post("/hooks/target", "application/json", "{}");
        assertThat(r.status()).as("the target's JSON, not the sender's, is broken: %s", r).isGreaterThanOrEqualTo(500);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    private static void assertMalformedBody(Response r, String path) {
        assertProblem(r, 400, MALFORMED_JSON, "body");
        assertThat(r.json().path("instance").asText()).isEqualTo(path);
    }
}
