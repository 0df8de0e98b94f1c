package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.builder.RouteBuilder;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /health}: 200 UP, or 503 DOWN when the store does not answer or a poller's credentials were
 * refused (each check reported under {@code checks}, shown only to a caller with {@code read});
 * {@code GET /metrics}: Prometheus text.
 */
public final class OpsRoute extends RouteBuilder {
    public static final String HEALTH = "/health";
    /**
     * Readiness for a load balancer or Kubernetes: started and the store answers. Unlike {@code /health}, a poller whose
     * credentials were refused does not count: one expired Jira token must not take every instance, and with it every
     * webhook and the API, out of the load balancer.
     */
    public static final String READY = "/health/ready";
    /** Liveness: the process answers HTTP. A store outage is no reason to restart the gateway (it recovers by itself). */
    public static final String LIVE = "/health/live";
    private final TimelineStore store;
    private final String storeKind;
    private final PrometheusMeterRegistry prometheus;
    private final ObjectMapper json;
    private final ApiEndpoint.Settings endpoints;
    private final java.util.List<dev.incidentgateway.ingest.poll.SourcePoller> pollers;
    /**
     * Set once every route has started. Until then /health answers 503 STARTING: the HTTP server (and the event-loop
     * /health) is up before Camel has started the routes, and a probe that saw 200 must find every route serving.
     */
    private volatile boolean started;

    public OpsRoute(TimelineStore store, String storeKind, PrometheusMeterRegistry prometheus, ObjectMapper json,
                    ApiEndpoint.Settings endpoints, java.util.List<dev.incidentgateway.ingest.poll.SourcePoller> pollers) {
        this.pollers = java.util.List.copyOf(pollers);
        this.store = store;
        this.storeKind = storeKind;
        this.prometheus = prometheus;
        this.json = json;
        this.endpoints = endpoints;
    }

    @Override
    public void configure() {
        from("platform-http:" + HEALTH + "?httpMethodRestrict=GET").routeId("ops-health")
                .process(endpoints.read(req -> health(req.principal())));
        from("platform-http:" + READY + "?httpMethodRestrict=GET").routeId("ops-health-ready").process(endpoints.read(req -> readiness()));
        from("platform-http:" + LIVE + "?httpMethodRestrict=GET").routeId("ops-health-live").process(endpoints.read(req -> liveness()));
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("ops-metrics")
                .process(endpoints.read(req -> new ApiResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                        prometheus.scrape().getBytes(StandardCharsets.UTF_8), Map.of())));
    }

    /**
     * The checks in detail for a caller with {@code read}; anyone else (load balancers, probes) gets only the status.
     * Reads cached state only (the store's background probe, the pollers' last status), so transport/HttpEdge calls it
     * on the event loop for callers without a credential.
     */
    /** Every route has started: /health may say UP. */
    public void markStarted() {
        started = true;
    }

    /** {@link #READY}: 200 UP once every route has started while the store answers; 503 STARTING or DOWN otherwise. */
    public ApiResponse readiness() throws Exception {
        if (!started) {
            return status(503, "STARTING", Map.of("Retry-After", "1"));
        }
        return store.isHealthy() ? status(200, "UP", Map.of()) : status(503, "DOWN", Map.of());
    }

    /** {@link #LIVE}: 200 UP whenever the HTTP server answers (a stopping gateway answers 503 at its intake gate). */
    public ApiResponse liveness() throws Exception {
        return status(200, "UP", Map.of());
    }

    private ApiResponse status(int code, String status, Map<String, String> headers) throws Exception {
        return new ApiResponse(code, "application/json", json.writeValueAsBytes(json.createObjectNode().put("status", status)), headers);
    }

    public ApiResponse health(Principal caller) throws Exception {
        if (!started) {
            return new ApiResponse(503, "application/json", json.writeValueAsBytes(json.createObjectNode().put("status", "STARTING")),
                    Map.of("Retry-After", "1"));
        }
        boolean storeUp = store.isHealthy();
        boolean up = storeUp;
        ObjectNode body = json.createObjectNode();
        body.put("status", "UP");
        ObjectNode checks = body.putObject("checks");
        ObjectNode storeCheck = checks.putObject("store");
        storeCheck.put("status", storeUp ? "UP" : "DOWN");
        storeCheck.put("database", storeKind);
        if (!storeUp) {
            store.downReason().ifPresent(why -> storeCheck.put("detail", why)); // read scope only: see below
        }
        for (dev.incidentgateway.ingest.poll.SourcePoller p : pollers) {
            boolean pollerUp = p.status() != dev.incidentgateway.ingest.poll.SourcePoller.Status.DOWN;
            up &= pollerUp;
            ObjectNode check = checks.putObject("poller-" + p.name());
            check.put("status", pollerUp ? "UP" : "DOWN");
            check.put("state", p.status().name().toLowerCase(Locale.ROOT));
            if (!p.detail().isEmpty()) {
                check.put("detail", p.detail());
            }
        }
        body.put("status", up ? "UP" : "DOWN");
        if (caller == null || !caller.has(Scope.READ)) {
            body = json.createObjectNode().put("status", up ? "UP" : "DOWN");
        }
        return ApiResponse.json(up ? 200 : 503, json.writeValueAsBytes(body));
    }
}
