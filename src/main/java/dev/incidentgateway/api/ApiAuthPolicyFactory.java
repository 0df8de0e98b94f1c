package dev.incidentgateway.api;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.security.ApiKeyVerifier;
import dev.incidentgateway.security.BearerAuthenticator;
import dev.incidentgateway.security.CredentialVerifier;
import dev.incidentgateway.security.OidcTokenVerifier;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.RefusalLog;
import dev.incidentgateway.security.RouteAccessPolicy.Access;
import dev.incidentgateway.security.RouteAccessPolicy;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.transport.KeyedRateLimiter;
import dev.incidentgateway.transport.RateLimit;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication and scopes for every platform-http route, whatever DSL declared it (Java RouteBuilders,
 * the shipped YAML routes, an operator's routes from {@code GATEWAY_ROUTES_DIR}): Camel asks this factory
 * for a policy for each route it creates, and the policy runs before the route's first step.
 *
 * <p>The rule comes from the route's endpoint (path template and {@code httpMethodRestrict}), see
 * {@link RouteAccessPolicy}. A refused request is answered here with problem+json and the route is stopped,
 * so the route's steps never see it; so is, once authorized, a query parameter the route does not take
 * ({@link QueryParameters}). The authenticated {@link Principal} is left in the exchange property
 * {@link ApiRequest#PRINCIPAL_PROPERTY}, and the {@code Authorization} header is removed so no step can
 * pass the credential on or echo it. An authorized principal over its rate limit on {@code /api/v1/**} gets 429.
 */
public final class ApiAuthPolicyFactory implements RoutePolicyFactory {
    /** The API whose callers are rate-limited per principal (not /health, /metrics or /webhooks/*). */
    static final String API_PREFIX = "/api/v1/";
    private final BearerAuthenticator authenticator;
    private final ApiEndpoint.Settings endpoints;
    private final KeyedRateLimiter apiRateLimits;
    /** Refused credentials and scopes in the log, a line a minute per kind at most (a missing credential is not logged). */
    private final RefusalLog refusals;

    public ApiAuthPolicyFactory(BearerAuthenticator authenticator, ApiEndpoint.Settings endpoints, RefusalLog refusals) {
        this(authenticator, endpoints, KeyedRateLimiter.unlimited(), refusals);
    }

    /**
     * @param apiRateLimits per principal name, applied to {@code /api/v1/**} once the request is authorized
     * @param refusals      the process's refusal log (one, so each kind has one once-a-minute window)
     */
    public ApiAuthPolicyFactory(BearerAuthenticator authenticator, ApiEndpoint.Settings endpoints, KeyedRateLimiter apiRateLimits,
                                RefusalLog refusals) {
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.apiRateLimits = apiRateLimits;
        this.refusals = refusals;
    }

    /**
     * The gateway's policy: API keys ({@code apiKeys}), OpenID Connect access tokens when {@code GATEWAY_OIDC_ISSUER} is
     * set, and the per-principal rate limit of {@code GATEWAY_API_RATE_PER_S} / {@code GATEWAY_API_RATE_BURST}.
     */
    public static ApiAuthPolicyFactory fromConfig(GatewayConfig config, ApiKeyVerifier apiKeys, ApiEndpoint.Settings endpoints,
                                                  RefusalLog refusals) {
        Optional<CredentialVerifier> accessTokens = OidcTokenVerifier.fromConfig(config).map(v -> (CredentialVerifier) v);
        return new ApiAuthPolicyFactory(new BearerAuthenticator(apiKeys, accessTokens), endpoints,
                KeyedRateLimiter.uniform(RateLimit.of(config.get(HttpSettings.API_RATE_PER_S), config.get(HttpSettings.API_RATE_BURST)),
                        KeyedRateLimiter.DEFAULT_MAX_KEYS), refusals);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new Policy(RouteAccess.of(routeId, route));
    }

    /** The path template and allowed methods of a platform-http endpoint, or null for any other endpoint. */
    static PlatformHttpEndpoint httpEndpoint(Endpoint endpoint) {
        return endpoint instanceof PlatformHttpEndpoint http ? http : null;
    }

    /** The method a request to this endpoint has: the one it is restricted to, else the request's own. */
    static String method(PlatformHttpEndpoint endpoint, Exchange exchange) {
        String restrict = endpoint.getHttpMethodRestrict();
        if (restrict != null && !restrict.isBlank() && !restrict.contains(",")) {
            return restrict.trim().toUpperCase(Locale.ROOT);
        }
        String m = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        return m == null ? "" : m.toUpperCase(Locale.ROOT);
    }

    /** What the policy decided for one request: its principal (null when none) and, when refused, the problem to answer. */
    public record Decision(Principal principal, ApiProblem refusal) {
    }

    /**
     * The policy's decision for a request to the route of {@code pathTemplate} with {@code method} carrying the
     * {@code authorization} header (may be null). May block (a key lookup in the store, an OIDC key fetch): call it
     * off the event loop. Also used by handlers served outside Camel routes (the live stream), so they follow the
     * same table, credentials, problems and rate limits.
     */
    public Decision decide(String pathTemplate, String method, String authorization) {
        return decide(RouteAccessPolicy.access(pathTemplate, method), pathTemplate, authorization);
    }

    /** {@link #decide(String, String, String)} for a route whose access its definition decided ({@link RouteAccess}). */
    Decision decide(Access access, String pathTemplate, String authorization) {
        Decision authorized = authorize(access, authorization);
        Principal principal = authorized.principal();
        if (authorized.refusal() == null && principal != null && pathTemplate.startsWith(API_PREFIX)
                && access instanceof RouteAccessPolicy.Requires) {
            java.util.OptionalLong wait = apiRateLimits.tryAcquire(principal.name());
            if (wait.isPresent()) {
                long seconds = wait.getAsLong();
                return new Decision(principal, ApiProblem.tooManyRequests(principal.name() + " is limited to "
                        + apiRateLimits.limitOf(principal.name()).describe() + " on " + API_PREFIX + "**; nothing was done. Retry after "
                        + seconds + " s.", seconds));
            }
        }
        return authorized;
    }

    /**
     * The credential and scope part of {@link #decide}, without spending the rate limit: what the HTTP edge asks from a
     * request's headers before it reads the body ({@code path} may be the request's own path, see
     * {@link RouteAccessPolicy#access}). The route's policy decides again once the body is in (same code, then the rate
     * limit). May block like {@link #decide}.
     */
    public Decision authorize(String pathTemplate, String method, String authorization) {
        return authorize(RouteAccessPolicy.access(pathTemplate, method), authorization);
    }

    /** {@link #authorize(String, String, String)} for a route whose {@link RouteAccessPolicy#access} the caller already has. */
    Decision authorize(Access access, String authorization) {
        BearerAuthenticator.Outcome outcome;
        try {
            outcome = authenticator.authenticate(authorization);
        } catch (RuntimeException storeTrouble) {
            return new Decision(null, endpoints.problems().toProblem(storeTrouble));
        }
        Principal principal = outcome instanceof BearerAuthenticator.Authenticated ok ? ok.principal() : null;
        if (!(access instanceof RouteAccessPolicy.Requires requires)) {
            return new Decision(principal, null); // open: a credential, if valid, only adds detail
        }
        ApiProblem refusal = null;
        if (outcome instanceof BearerAuthenticator.Unavailable unavailable) {
            refusal = new ApiProblem(503, "credential-check-unavailable", "Credential cannot be checked now",
                    "The credential cannot be checked right now (" + unavailable.reason() + "); nothing was done. Retry later.",
                    null, Map.of("Retry-After", Integer.toString(unavailable.retryAfterSeconds())));
        } else if (outcome instanceof BearerAuthenticator.Missing) {
            refusal = unauthorized("This endpoint needs a credential: Authorization: Bearer <API key or access token>.", "Bearer");
        } else if (outcome instanceof BearerAuthenticator.OtherScheme) {
            refusal = unauthorized("The credential was refused: " + BearerAuthenticator.OtherScheme.REASON + ".", "Bearer");
            refusals.refused("an API credential", 401, BearerAuthenticator.OtherScheme.REASON);
        } else if (outcome instanceof BearerAuthenticator.Refused refused) {
            refusal = unauthorized("The credential was refused: " + refused.reason() + ".", "Bearer error=\"invalid_token\"");
            refusals.refused("an API credential", 401, refused.reason());
        } else if (principal != null && !principal.has(requires.scope())) {
            refusal = forbidden(principal, requires.scope());
            refusals.refused(principal.name(), 403, "a request that needs scope " + requires.scope().wireName());
        }
        return new Decision(principal, refusal);
    }

    /**
     * Whether memory alone tells that {@code authorization} grants what a route that {@code requires} needs (a known API
     * key with the scope): the HTTP edge's decision on its event loop, which has already looked the route up (every
     * request on the event loop asks, so it is looked up once). False for anything {@link #authorize} must decide.
     */
    boolean acceptedFromMemory(RouteAccessPolicy.Requires requires, String authorization) {
        return authenticator.fromMemory(authorization).filter(p -> p.has(requires.scope())).isPresent();
    }

    /**
     * The credential of a request {@link #decide} authorized, for a response that stays open to check again from memory
     * ({@link BearerAuthenticator#held}): the live stream ends once it lapses.
     */
    public dev.incidentgateway.security.HeldCredential held(String authorization) {
        return authenticator.held(authorization);
    }

    /** The problem body for a refusal of a request to {@code path}. */
    public byte[] render(ApiProblem problem, String path) {
        return endpoints.problems().render(problem, path);
    }

    private final class Policy extends RoutePolicySupport {
        private final RouteAccess routeAccess;

        Policy(RouteAccess routeAccess) {
            this.routeAccess = routeAccess;
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            PlatformHttpEndpoint endpoint = httpEndpoint(route.getEndpoint());
            if (endpoint == null) {
                return;
            }
            String method = method(endpoint, exchange);
            Access access = routeAccess.access(endpoint.getPath(), method);
            if (access instanceof RouteAccessPolicy.SelfAuthenticated) {
                return;
            }
            String authorization = exchange.getMessage().getHeader("Authorization", String.class);
            exchange.getMessage().removeHeader("Authorization");
            Decision decision = decide(access, endpoint.getPath(), authorization);
            if (decision.principal() != null) {
                exchange.setProperty(ApiRequest.PRINCIPAL_PROPERTY, decision.principal());
            }
            ApiProblem refusal = decision.refusal();
            if (refusal == null) {
                try {
                    QueryParameters.check(method, endpoint.getPath(), new ApiRequest(exchange).queryNames());
                } catch (ApiProblem unknownParameter) {
                    refusal = unknownParameter;
                }
            }
            if (refusal != null) {
                refuse(exchange, refusal);
            }
        }

        private void refuse(Exchange exchange, ApiProblem problem) {
            String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
            ApiEndpoint.reply(exchange.getMessage(), new ApiResponse(problem.status(), ProblemMapper.CONTENT_TYPE,
                    endpoints.problems().render(problem, path), problem.headers()));
            exchange.setRouteStop(true);
        }
    }

    private static ApiProblem unauthorized(String detail, String challenge) {
        return ApiProblem.unauthorized(detail, challenge);
    }

    private static ApiProblem forbidden(Principal principal, Scope needed) {
        return new ApiProblem(403, "insufficient-scope", "Forbidden",
                "This request needs the '" + needed.wireName() + "' scope, which " + principal.name() + " does not have.", null,
                Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + needed.wireName() + "\""))
                .withExtras(Map.of("requiredScope", needed.wireName()));
    }
}
