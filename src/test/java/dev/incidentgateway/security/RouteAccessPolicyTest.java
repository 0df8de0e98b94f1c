package dev.incidentgateway.security;

import dev.incidentgateway.security.RouteAccessPolicy.Access;
import dev.incidentgateway.security.RouteAccessPolicy.Open;
import dev.incidentgateway.security.RouteAccessPolicy.Requires;
import dev.incidentgateway.security.RouteAccessPolicy.SelfAuthenticated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RouteAccessPolicyTest {

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({
            // the explicit table
            "GET,  /health,                          open",
            "POST, /webhooks/{source},               self",
            "POST, /webhooks/{name},                 self",
            "GET,  /metrics,                         metrics",
            "GET,  /api/v1/incidents,                read",
            "GET,  /api/v1/incidents/{id},           read",
            "GET,  /api/v1/incidents/{id}/timeline,  read",
            "GET,  /api/v1/incidents/{id}/verify,    read",
            "GET,  /api/v1/events,                   read",
            "GET,  /api/v1/stats,                    read",
            "GET,  /api/v1/outbox,                   read",
            "HEAD, /api/v1/incidents,                read",
            "POST, /api/v1/incidents,                write",
            "POST, /api/v1/incidents/{id}/events,    write",
            "POST, /api/v1/incidents/{incidentId}/events, write",
            "POST, /api/v1/outbox/{id}/replay,       operate",
            "POST, /api/v1/outbox/{id}/skip,         operate",
            "POST, /api/v1/outbox/replay,            operate",
            "GET,  /,                                open",
            "GET,  /console/{file},                  open",
            "POST, /,                                admin",
            "POST, /console/{file},                  admin",
            "GET,  /console/{file}/more,             read",
            // a request's own path (the HTTP edge asks before a route is picked): as its route's template
            "POST, /api/v1/incidents/INC-42/events,  write",
            "POST, /api/v1/outbox/17/replay,         operate",
            "POST, /webhooks/alertmanager,           self",
            "GET,  /console/app.js,                  open",
            "POST, /api/v1/incidents//events,        admin",
            "POST, /webhooks/a/b,                    admin",
            // only the intake's POST leaves the credential to the route (and only the intake itself: api/RouteAccess)
            "GET,  /webhooks/{src},                  read",
            "GET,  /webhooks/foo,                    read",
            "PUT,  /webhooks/{source},               admin",
            "'',   /webhooks/{source},               admin",
            // the default: read for GET/HEAD, admin for anything else
            "GET,  /custom/hello,                    read",
            "HEAD, /custom/hello,                    read",
            "POST, /custom/hello,                    admin",
            "PUT,  /api/v1/incidents/{id},           admin",
            "DELETE, /api/v1/incidents/{id},         admin",
            "POST, /api/v1/incidents/{id},           admin",
            "POST, /api/v1/audit/checkpoint,         admin",
            "POST, /health,                          admin",
            "GET,  /metrics/extra,                   read",
            "POST, /metrics,                         admin",
            "GET,  /webhooks,                        read",
            "'',   /custom/any,                      admin",
    })
    void everyRouteGetsARequirement(String method, String template, String expected) {
        assertThat(label(RouteAccessPolicy.access(template, method))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"GET, /api/v1/incidents/{id}, true", "POST, /api/v1/incidents, true", "GET, /custom/hello, false",
            "POST, /api/v1/other, false", "GET, /health, true"})
    void tellsTheExplicitTableFromTheDefault(String method, String template, boolean explicit) {
        assertThat(RouteAccessPolicy.isExplicit(template, method)).isEqualTo(explicit);
    }

    @ParameterizedTest
    @CsvSource({"/api/v1/incidents/{id}/events, /api/v1/incidents/{}/events", "api/v1/x/, /api/v1/x", "/, /"})
    void pathParametersAreComparedWhateverTheirNames(String template, String normalized) {
        assertThat(RouteAccessPolicy.normalize(template)).isEqualTo(normalized);
    }

    /** A request's own path is compared segment by segment: a parameter takes exactly one segment, and not an empty one. */
    @ParameterizedTest
    @CsvSource({"POST, /webhooks/alertmanager, self", "POST, /webhooks/, admin", "POST, /webhooks/a/b, admin", "POST, /webhooks, admin",
            "POST, /api/v1/incidents/INC-1/events, write", "POST, /api/v1/incidents//events, admin",
            "POST, /api/v1/incidents/INC-1/events/x, admin", "POST, /api/v1/incidents/INC-1/event, admin",
            "GET,  /console/app.js, open", "GET,  /console/, read", "GET,  /console/a/b, read"})
    void requestPathsMatchTemplatesSegmentBySegment(String method, String path, String expected) {
        assertThat(label(RouteAccessPolicy.access(path, method))).isEqualTo(expected);
    }

    /** The hand-written scan gives what the regex it replaced gave, also for braces that make no parameter. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/webhooks/{source}", "/a/{x}/b/{y}", "/a/{x/y}", "/a/{{x}}",
            "/a/{x", "/a/{}", "/a/}{", "{a{b}c}", "/a/{x}{y}", "/a/{/}", "/plain/path", "{", "}", "/a/b{c}d/"})
    void pathParametersAreFoundAsTheRegexFoundThem(String template) {
        assertThat(RouteAccessPolicy.withEmptyParameters(template)).isEqualTo(template.replaceAll("\\{[^}/]*}", "{}"));
    }

    static String label(Access access) {
        if (access instanceof Open) {
            return "open";
        }
        if (access instanceof SelfAuthenticated) {
            return "self";
        }
        return ((Requires) access).scope().wireName();
    }
}
