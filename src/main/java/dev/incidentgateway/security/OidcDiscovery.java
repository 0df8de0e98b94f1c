package dev.incidentgateway.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.config.OidcTransport;

import java.io.IOException;
import java.net.URL;

/**
 * The JWKS named by the issuer's discovery document ({@code <issuer>/.well-known/openid-configuration}),
 * looked up on the first key fetch rather than at start, so the gateway starts while the identity provider
 * is down. It sits under nimbus' cache and rate limiter ({@link OidcKeySource}), so a failed lookup is
 * retried no more often than a failed JWKS fetch; once found, the JWKS URL is kept for the process' life.
 */
final class OidcDiscovery implements JWKSetSource<SecurityContext> {
    private final OidcSettings settings;
    private final ResourceRetriever retriever;
    private volatile URLBasedJWKSetSource<SecurityContext> jwks;

    OidcDiscovery(OidcSettings settings, ResourceRetriever retriever) {
        this.settings = settings;
        this.retriever = retriever;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        return jwks().getJWKSet(refreshEvaluator, currentTime, context);
    }

    private synchronized URLBasedJWKSetSource<SecurityContext> jwks() throws KeySourceException {
        if (jwks == null) {
            jwks = new URLBasedJWKSetSource<>(discoverJwksUrl(), retriever);
        }
        return jwks;
    }

    /**
     * The document's {@code jwks_uri}, held to the rule the configured URLs meet at start ({@link OidcTransport}): a
     * plain-http one on a host other than loopback is refused unless {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true}. The
     * refusal happens here, on the first token, and not at start, because discovery happens here: the gateway starts
     * while the identity provider is down. It counts as a failed key fetch (logged once per outage by OidcKeySource,
     * tokens get 503 + Retry-After) and is tried again at the next fetch, so a corrected document is picked up.
     */
    private URL discoverJwksUrl() throws KeySourceException {
        OidcProviderDocument doc;
        try {
            doc = OidcProviderDocument.fetch(settings, retriever);
        } catch (IOException | IllegalArgumentException e) {
            throw new JWKSetUnavailableException("could not read the discovery document at " + settings.discoveryUrl() + ": "
                    + e.getMessage(), e);
        }
        try {
            return doc.endpoint("jwks_uri", settings.allowInsecureHttp(), OidcTransport.SWAPPED_KEYS,
                    "Have the identity provider publish an https jwks_uri, set " + IdentityProviderSettings.OIDC_JWKS_URL.env()
                            + " to an https URL of its keys").toURL();
        } catch (IOException | IllegalArgumentException e) { // the message names the document
            throw new JWKSetUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        URLBasedJWKSetSource<SecurityContext> source = jwks;
        if (source != null) {
            source.close();
        }
    }
}
