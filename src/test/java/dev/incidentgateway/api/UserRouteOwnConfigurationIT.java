package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's YAML routes on platform-http that name their own {@code routeConfigurationId} (so the gateway's global route
 * configuration does not apply to them, Camel's rule) answer like those that name none: a Map or List body as JSON, the
 * sender's bad input as a 400 problem+json — with the README's {@code apiProblems} configuration, and with a
 * configuration whose {@code onException} lists other exceptions only (what it leaves unhandled is answered as
 * problem+json, not platform-http's plain-text 500).
 */
class UserRouteOwnConfigurationIT extends UserRoutesHarness {
    private static final String ROUTES = """
            - routeConfiguration:
                id: my-problems
                onException:
                  - onException:
                      exception: [java.lang.Exception]
                      handled: { constant: true }
                      steps:
                        - bean: { ref: apiProblems, method: replyProblem }
            - routeConfiguration:
                id: target-down
                onException:
                  - onException:
                      exception: [java.net.ConnectException]
                      handled: { constant: true }
                      steps:
                        - setHeader: { name: CamelHttpResponseCode, constant: 503 }
                        - setBody: { constant: "target down" }
            - route:
                id: own-echo
                routeConfigurationId: my-problems
                from:
                  uri: platform-http:/own/echo
                  steps:
                    - setHeader:
                        name: alertName
                        jsonpath: $.alert.name
                    - unmarshal:
                        json: {}
                    - removeHeaders: { pattern: "*" }
            - route:
                id: down-echo
                routeConfigurationId: target-down
                from:
                  uri: platform-http:/down/echo
                  steps:
                    - setBody:
                        jsonpath: $.alert.labels
                    - removeHeaders: { pattern: "*" }
            - route:
                id: down-bug
                routeConfigurationId: target-down
                from:
                  uri: platform-http:/down/bug
                  steps:
                    - throwException:
                        exceptionType: java.lang.NullPointerException
                        message: a bug in the route
            """;

    @BeforeAll
    void start() throws Exception {
        startWithRoutes(ROUTES);
    }

    @Test
    void withTheApiProblemsConfigurationAMapBodyIsAnsweredAsJson() {
        Response ok = http.post("/own/echo", "application/json", "{\"alert\":{\"name\":\"disk\",\"n\":2}}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("application/json");
        assertThat(ok.json().path("alert").path("n").asInt()).isEqualTo(2);
    }

    @Test
    void withTheApiProblemsConfigurationBadInputIsTheSenders400() {
        assertInvalidField(http.post("/own/echo", "application/json", "{\"alert\":{}}"), "$.alert.name");
        assertProblem(http.post("/own/echo", "application/json", "{\"alert\": "), 400, MALFORMED_JSON, "body");
    }

    @Test
    void withAConfigurationListingOtherExceptionsAMapBodyIsAnsweredAsJson() {
        Response ok = http.post("/down/echo", "application/json", "{\"alert\":{\"labels\":{\"service\":\"db\"}}}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("application/json");
        assertThat(ok.json().path("service").asText()).isEqualTo("db");
    }

    @Test
    void whatTheConfigurationLeavesUnhandledIsAnsweredAsProblemJson() {
        assertInvalidField(http.post("/down/echo", "application/json", "{\"alert\":{}}"), "$.alert.labels");
        assertProblem(http.post("/down/echo", "application/json", "not json"), 400, MALFORMED_JSON, "body");
        Response bug = assertProblem(http.get("/down/bug"), 500, INTERNAL_ERROR, null);
        assertThat(bug.body()).doesNotContain("a bug in the route");
    }
}
