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
     * @param expensiveReads the bound of the report, which reads up to a year of incidents, and of the clocks of many
     *                       incidents at once, which read every event of up to {@link SlaClockReader#MAX_BATCH} incidents
     *                       (the filter on the event type needs each row) and so hold a connection as long as the report
     *                       can. One incident's clocks read the events of one incident (one short query): not bounded.
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
        from("platform-http:/api/v1/sla?httpMethodRestrict=GET").routeId("api-sla")
                .process(endpoints.read(expensiveReads.bounded(api::incidentsSla)));
        from("platform-http:/api/v1/reports/sla?httpMethodRestrict=GET").routeId("api-report-sla")
                .process(endpoints.read(expensiveReads.bounded(report::report)));
    }
}
