package dev.incidentgateway.api;

import org.apache.camel.builder.RouteBuilder;

/** Binds the incident REST API to paths of the platform-http server (Vert.x). */
public final class IncidentApiRoute extends RouteBuilder {
    private final IncidentApi api;
    private final ApiEndpoint.Settings endpoints;

    public IncidentApiRoute(IncidentApi api, ApiEndpoint.Settings endpoints) {
        this.api = api;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        from("platform-http:/api/v1/incidents?httpMethodRestrict=POST").routeId("api-declare")
                .process(endpoints.jsonBody(api::declare));
        from("platform-http:/api/v1/incidents?httpMethodRestrict=GET").routeId("api-list-incidents")
                .process(endpoints.read(api::incidents));
        from("platform-http:/api/v1/incidents/{id}?httpMethodRestrict=GET").routeId("api-get-incident")
                .process(endpoints.read(api::incident));
        from("platform-http:/api/v1/incidents/{id}/events?httpMethodRestrict=POST").routeId("api-append-event")
                .process(endpoints.jsonBody(api::appendEvent));
        from("platform-http:/api/v1/incidents/{id}/timeline?httpMethodRestrict=GET").routeId("api-timeline")
                .process(endpoints.read(api::timeline));
        from("platform-http:/api/v1/incidents/{id}/verify?httpMethodRestrict=GET").routeId("api-verify")
                .process(endpoints.read(api::verify));
        from("platform-http:/api/v1/events?httpMethodRestrict=GET").routeId("api-events-since")
                .process(endpoints.read(api::since));
    }
}
