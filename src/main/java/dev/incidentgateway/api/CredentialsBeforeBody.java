package dev.incidentgateway.api;

import dev.incidentgateway.security.RouteAccessPolicy;
import dev.incidentgateway.transport.HeaderAuthentication;

import java.util.Map;

/**
 * The edge's check of a request's credential before its body is read, by the route table ({@link RouteAccessPolicy}):
 * a route that needs an API credential asks {@link ApiAuthPolicyFactory#authorize} (the route policy's own check, from
 * the {@code Authorization} header), a self-authenticated route (a webhook source) asks its own check, and an open route
 * needs no credential, so its body is read within the smaller budget. The route is looked up once per check and what it
 * found passed on; the route's own policy, once the body is in, decides again (and spends the rate limit).
 */
public final class CredentialsBeforeBody implements HeaderAuthentication {
    private final ApiAuthPolicyFactory api;
    private final HeaderAuthentication selfAuthenticated;

    /** @param selfAuthenticated the check of the self-authenticated routes ({@code POST /webhooks/<source>}) */
    public CredentialsBeforeBody(ApiAuthPolicyFactory api, HeaderAuthentication selfAuthenticated) {
        this.api = api;
        this.selfAuthenticated = selfAuthenticated;
    }

    @Override
    public Verdict check(String path, String method, Map<String, String> headers) {
        RouteAccessPolicy.Access access = RouteAccessPolicy.access(path, method);
        if (access instanceof RouteAccessPolicy.SelfAuthenticated) {
            return selfAuthenticated.check(path, method, headers);
        }
        if (!(access instanceof RouteAccessPolicy.Requires)) {
            return new BodyNeeded(); // open: whoever sends it, the route decides with the body
        }
        ApiAuthPolicyFactory.Decision decision = api.authorize(access, headers.get("Authorization"));
        return decision.refusal() == null ? new Authenticated() : new Refused(decision.refusal());
    }

    @Override
    public boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
        RouteAccessPolicy.Access access = RouteAccessPolicy.access(path, method);
        if (access instanceof RouteAccessPolicy.SelfAuthenticated) {
            return selfAuthenticated.acceptedFromMemory(path, method, headers);
        }
        return access instanceof RouteAccessPolicy.Requires requires && api.acceptedFromMemory(requires, headers.get("Authorization"));
    }
}
