package dev.incidentgateway.console;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.config.OidcTransport;
import dev.incidentgateway.security.OidcProviderDocument;
import dev.incidentgateway.security.OidcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the console needs to sign an operator in at the identity provider (issue 12): OAuth 2.0 authorization code
 * flow with PKCE as a public client ({@code GATEWAY_OIDC_CONSOLE_CLIENT_ID}, no secret: the browser could not keep
 * one). The gateway reads the authorization and token endpoints from the issuer's discovery document and hands them
 * to the page in {@code /console/features.json}, so the browser needs no CORS access to the discovery document, only
 * to the token endpoint. The access tokens it obtains are verified like any other (security/OidcTokenVerifier).
 *
 * <p>The document is read on the first console request, not at start (the gateway starts while the identity provider
 * is down), then kept; a failed read is retried no more often than every {@link #RETRY_AFTER_FAILURE}. The endpoints
 * follow the rule of every URL of the identity provider (config/OidcTransport): a plain-http one on a host other than
 * loopback is refused unless {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true}, like a provider that cannot be read: the
 * page gets {@code problem} and offers the key form only, and the gateway logs one WARN per attempt (at most one every
 * {@link #RETRY_AFTER_FAILURE}: attempts are that far apart).
 */
public final class ConsoleSignIn {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSignIn.class);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
    private static final int TIMEOUT_MS = 3000;
    private static final int SIZE_LIMIT_BYTES = 256 * 1024;

    /** The endpoints of one identity provider, as the page gets them. */
    record Endpoints(URI authorization, URI token) {
        /** The token endpoint's origin: the one cross-origin connection the page's Content-Security-Policy allows. */
        String tokenOrigin() {
            return token.getScheme() + "://" + token.getHost() + (token.getPort() < 0 ? "" : ":" + token.getPort());
        }
    }

    private final OidcSettings settings;
    private final String clientId;
    private final String scopes;
    private final ResourceRetriever retriever;
    private final InstantSource clock;
    private Endpoints endpoints;
    private String problem = "the identity provider's discovery document was not read yet";
    private Instant retryAt = Instant.MIN;

    ConsoleSignIn(OidcSettings settings, String clientId, String scopes, ResourceRetriever retriever, InstantSource clock) {
        this.settings = settings;
        this.clientId = clientId;
        this.scopes = scopes;
        this.retriever = retriever;
        this.clock = clock;
    }

    /** The sign-in {@code GATEWAY_OIDC_*} describe, or empty when the issuer or the console's client id is not set. */
    public static Optional<ConsoleSignIn> fromConfig(GatewayConfig config) {
        String clientId = config.get(IdentityProviderSettings.OIDC_CONSOLE_CLIENT_ID).trim();
        Optional<OidcSettings> settings = OidcSettings.fromConfig(config);
        if (clientId.isEmpty()) {
            return Optional.empty();
        }
        if (settings.isEmpty()) {
            LOG.warn("{} is set but {} is not: the console offers no sign-in", IdentityProviderSettings.OIDC_CONSOLE_CLIENT_ID.env(),
                    IdentityProviderSettings.OIDC_ISSUER.env());
            return Optional.empty();
        }
        String scopes = config.get(IdentityProviderSettings.OIDC_CONSOLE_SCOPES).trim();
        return Optional.of(new ConsoleSignIn(settings.get(), clientId, scopes.isEmpty() ? "openid" : scopes,
                new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, SIZE_LIMIT_BYTES), Clock.systemUTC()));
    }

    /** The endpoints, reading the discovery document when they are not known yet (and the last failure is old enough). */
    synchronized Optional<Endpoints> endpoints() {
        Instant now = clock.instant();
        if (endpoints == null && !now.isBefore(retryAt)) {
            OidcProviderDocument doc = null;
            try {
                doc = OidcProviderDocument.fetch(settings, retriever);
                endpoints = new Endpoints(endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"));
                LOG.info("Console sign-in: client {} at {}", clientId, endpoints.authorization());
            } catch (IOException | RuntimeException e) {
                // Read but refused (no such member, not http(s), plain http): the message already says which and why.
                problem = doc == null ? "the identity provider's discovery document could not be read (" + e.getMessage() + ")"
                        : e.getMessage();
                retryAt = now.plus(RETRY_AFTER_FAILURE);
                LOG.warn("Console sign-in unavailable: {}", problem);
            }
        }
        return Optional.ofNullable(endpoints);
    }

    /**
     * One of the document's endpoints, held to the identity provider's transport rule (OidcProviderDocument#endpoint):
     * the browser goes to the authorization endpoint with the operator's sign-in and sends the code (with its PKCE
     * verifier) to the token endpoint, which answers the access token. A refused endpoint never reaches the page, nor
     * the page's Content-Security-Policy, so the browser cannot be sent there.
     */
    private URI endpoint(OidcProviderDocument doc, String name) throws IOException {
        return doc.endpoint(name, settings.allowInsecureHttp(), OidcTransport.TAKEN_SIGN_INS,
                "Have the identity provider publish an https " + name);
    }

    /**
     * The {@code oidcSignIn} member of features.json: what the page needs to start the flow, or why it cannot
     * ({@code problem}), in which case the page offers the key form only.
     */
    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<Endpoints> known = endpoints();
        out.put("issuer", settings.issuer());
        out.put("issuerHost", URI.create(settings.issuer()).getAuthority());
        if (known.isEmpty()) {
            out.put("problem", problemNow());
            return out;
        }
        out.put("authorizationEndpoint", known.get().authorization().toString());
        out.put("tokenEndpoint", known.get().token().toString());
        out.put("clientId", clientId);
        out.put("scopes", scopes);
        return out;
    }

    private synchronized String problemNow() {
        return problem;
    }
}
