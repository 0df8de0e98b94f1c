package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /health} (200 UP / 503 DOWN by whether the store answers) and {@code GET /metrics} (Prometheus text). */
public final class OpsRoute extends RouteBuilder {
    private final TimelineStore store;
    private final String storeKind;
    private final PrometheusMeterRegistry prometheus;
    private final ObjectMapper json;
    private final ApiEndpoint.Settings endpoints;

    public OpsRoute(TimelineStore store, String storeKind, PrometheusMeterRegistry prometheus, ObjectMapper json,
                    ApiEndpoint.Settings endpoints) {
        this.store = store;
        this.storeKind = storeKind;
        this.prometheus = prometheus;
        this.json = json;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        from("platform-http:/health?httpMethodRestrict=GET").routeId("ops-health")
                .process(endpoints.read(req -> health()));
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("ops-metrics")
                .process(endpoints.read(req -> new ApiResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                        prometheus.scrape().getBytes(StandardCharsets.UTF_8), Map.of())));
    }

    ApiResponse health() throws Exception {
        boolean up = store.isHealthy();
        ObjectNode body = json.createObjectNode();
        body.put("status", up ? "UP" : "DOWN");
        ObjectNode storeCheck = body.putObject("checks").putObject("store");
        storeCheck.put("status", up ? "UP" : "DOWN");
        storeCheck.put("database", storeKind);
        return ApiResponse.json(up ? 200 : 503, json.writeValueAsBytes(body));
    }
}
