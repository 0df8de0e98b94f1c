package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.audit.Checkpoint;
import dev.incidentgateway.audit.Checkpointer;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/audit/checkpoint}: the latest signed checkpoint of the audit chain with the public key that
 * signed it, in the form {@code verify --checkpoint FILE} reads (so a keeper can store the body as it is); and the
 * timer that makes a checkpoint every {@code GATEWAY_CHECKPOINT_INTERVAL_S} when the head moved.
 */
public final class AuditApi extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(AuditApi.class);

    private final Checkpointer checkpointer;
    private final ObjectMapper json;
    private final ApiEndpoint.Settings endpoints;
    private final long intervalMs;
    private final java.util.function.BooleanSupplier knownOutage;

    /** @param knownOutage true while the store's health probe knows it is down (that outage is logged once, not per tick) */
    public AuditApi(Checkpointer checkpointer, ObjectMapper json, ApiEndpoint.Settings endpoints, long intervalMs,
                    java.util.function.BooleanSupplier knownOutage) {
        this.checkpointer = checkpointer;
        this.json = json;
        this.endpoints = endpoints;
        this.intervalMs = intervalMs;
        this.knownOutage = knownOutage;
    }

    @Override
    public void configure() {
        from("platform-http:/api/v1/audit/checkpoint?httpMethodRestrict=GET").routeId("api-audit-checkpoint")
                .process(endpoints.read(this::checkpoint));
        // The first run right after start covers events appended since the last run of the gateway.
        from("timer:audit-checkpoint?delay=0&period=" + intervalMs).routeId("audit-checkpoint").process(e -> tick());
    }

    ApiResponse checkpoint(ApiRequest req) throws Exception {
        Checkpoint cp = checkpointer.latest().orElseThrow(() -> ApiProblem.notFound(
                "no checkpoint yet: the log has no event written with the chain key; one is made within "
                        + intervalMs / 1000 + " s of the first append"));
        ObjectNode body = cp.toJson();
        body.put("publicKeyPem", checkpointer.signer().publicKeyPem());
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }

    private void tick() {
        try {
            checkpointer.checkpointIfMoved();
        } catch (Exception e) {
            dev.incidentgateway.store.StoreOutage.log(LOG, knownOutage.getAsBoolean(),
                    "Checkpoint not written this time ({}): {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }
}
