package dev.incidentgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Scope;

/**
 * {@code GET /api/v1/whoami}: the principal the gateway authenticated for this request and the scopes it holds, so a
 * client (the operator console) can offer only what the credential may do, e.g. grey out Acknowledge for a
 * {@code read}-only key instead of letting the operator find out from a 403. Nothing secret: the caller learns only
 * what its own credential is.
 */
public final class CallerApi {
    private final ObjectMapper json;

    public CallerApi(ObjectMapper json) {
        this.json = json;
    }

    /** {@code {"principal":"key:alice","scopes":["read","write"]}}; {@code admin} lists every scope it holds. */
    public ApiResponse whoami(ApiRequest req) throws JsonProcessingException {
        Principal principal = req.principal();
        ObjectNode body = json.createObjectNode();
        body.put("principal", principal == null ? null : principal.name());
        ArrayNode scopes = body.putArray("scopes");
        if (principal != null) {
            for (Scope scope : Scope.values()) {
                if (principal.has(scope)) {
                    scopes.add(scope.wireName());
                }
            }
        }
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }
}
