package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ExpensiveReads;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.main.Main;

import java.time.Clock;

/** Wires the SLA clocks into the gateway: the policies (read and validated first), the tracker bean and the API route. */
public final class SlaModule {
    private final SlaPolicies policies;

    private SlaModule(SlaPolicies policies) {
        this.policies = policies;
    }

    /** Reads and validates the policy file; a bad one throws ConfigException naming the key, before anything starts. */
    public static SlaModule load(GatewayConfig config) {
        return new SlaModule(SlaPolicyFile.load(config.get(RouteSettings.SLA_FILE), RouteSettings.SLA_FILE.env()));
    }

    /** The response-time histograms, with a bucket boundary at every goal of the policies. */
    public SlaMetrics metrics(MeterRegistry meters) {
        return new SlaMetrics(meters, policies.bySeverity().values().stream().flatMap(p -> p.goals().values().stream()).toList());
    }

    /** Binds {@value SlaTracker#BEAN} (run by routes/sla-tracker.camel.yaml) and adds GET /api/v1/incidents/{id}/sla, /api/v1/sla and /api/v1/reports/sla. */
    public void install(Main main, TimelineStore store, MeterRegistry meters, ObjectMapper json, ApiEndpoint.Settings endpoints,
                        ExpensiveReads expensiveReads, Clock clock) {
        SlaTracker tracker = new SlaTracker(store, policies, clock, meters);
        main.bind(SlaTracker.BEAN, tracker);
        main.configure().addRoutesBuilder(new SlaApiRoute(new SlaApi(store, new SlaClockReader(store, policies, clock), json),
                new SlaReport(store, policies, clock, json), endpoints, expensiveReads));
    }
}
