package dev.incidentgateway.sla;

import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ExpensiveReads;
import org.apache.camel.builder.RouteBuilder;

/** Binds the SLA API (scope read, by the route access policy's GET rule for /api/v1/). */
public final class SlaApiRoute extends RouteBuilder {
    private final SlaApi api;
    private final SlaReport report;
    private final ApiEndpoint.Settings endpoints;
    private final ExpensiveReads expensiveReads;

    /**
     * @param expensiveReads the bound of the report, which reads up to a year of incidents. An incident's clocks read only
     *                       the events that move a clock (one short query), and the console asks for them for every row
     *                       of its list at once: they are not bounded.
     */
    public SlaApiRoute(SlaApi api, SlaReport report, ApiEndpoint.Settings endpoints, ExpensiveReads expensiveReads) {
        this.expensiveReads = expensiveReads;
        this.api = api;
        this.report = report;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        from("platform-http:/api/v1/incidents/{id}/sla?httpMethodRestrict=GET").routeId("api-incident-sla")
                .process(endpoints.read(api::incidentSla));
        from("platform-http:/api/v1/reports/sla?httpMethodRestrict=GET").routeId("api-report-sla")
                .process(endpoints.read(expensiveReads.bounded(report::report)));
    }
}
