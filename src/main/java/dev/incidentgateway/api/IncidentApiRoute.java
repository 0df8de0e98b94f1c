package dev.incidentgateway.api;

import dev.incidentgateway.transport.AsyncRouteHttpEngine;
import org.apache.camel.builder.RouteBuilder;

/**
 * Binds the incident REST API to paths of the platform-http server (Vert.x), through the gateway's own consumer
 * ({@link AsyncRouteHttpEngine}): it hands the answer's bytes to Vert.x in one copy, where Camel's consumer pumps a
 * {@code byte[]} through an {@code InputStream} with a read buffer per answer. On a Since page of 100 events (≈ 70 KB)
 * that pump was a fifth of the request's allocation, and with {@code -Xmx256m} young collections came every ≈ 90 pages,
 * each pausing the request it hit (the Since page's p99, issue 13, bench/README.md "Scale").
 */
public final class IncidentApiRoute extends RouteBuilder {
    private final IncidentApi api;
    private final ApiEndpoint.Settings endpoints;

    private final CallerApi caller;
    private final ExpensiveReads expensiveReads;

    /** @param expensiveReads the bound of the incident's chain check (it scans the whole incident) */
    public IncidentApiRoute(IncidentApi api, CallerApi caller, ApiEndpoint.Settings endpoints, ExpensiveReads expensiveReads) {
        this.expensiveReads = expensiveReads;
        this.api = api;
        this.caller = caller;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        String engine = "&platformHttpEngine=#" + AsyncRouteHttpEngine.BEAN;
        from("platform-http:/api/v1/incidents?httpMethodRestrict=POST" + engine).routeId("api-declare")
                .process(endpoints.jsonBodyAsync(api::declare));
        from("platform-http:/api/v1/incidents?httpMethodRestrict=GET" + engine).routeId("api-list-incidents")
                .process(endpoints.read(api::incidents));
        from("platform-http:/api/v1/incidents/{id}?httpMethodRestrict=GET" + engine).routeId("api-get-incident")
                .process(endpoints.read(api::incident));
        from("platform-http:/api/v1/incidents/{id}/events?httpMethodRestrict=POST" + engine).routeId("api-append-event")
                .process(endpoints.jsonBodyAsync((request, afterCommit) -> api.appendEvent(request)));
        from("platform-http:/api/v1/incidents/{id}/timeline?httpMethodRestrict=GET" + engine).routeId("api-timeline")
                .process(endpoints.read(api::timeline));
        from("platform-http:/api/v1/incidents/{id}/verify?httpMethodRestrict=GET" + engine).routeId("api-verify")
                .process(endpoints.read(expensiveReads.bounded(api::verify)));
        from("platform-http:/api/v1/events?httpMethodRestrict=GET" + engine).routeId("api-events-since")
                .process(endpoints.read(api::since));
        from("platform-http:/api/v1/whoami?httpMethodRestrict=GET" + engine).routeId("api-whoami")
                .process(endpoints.read(caller::whoami));
    }
}
