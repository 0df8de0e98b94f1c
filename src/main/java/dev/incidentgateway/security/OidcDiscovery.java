package dev.incidentgateway.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;

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

    private URL discoverJwksUrl() throws KeySourceException {
        try {
            return OidcProviderDocument.fetch(settings, retriever).httpUri("jwks_uri").toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new JWKSetUnavailableException("could not read the discovery document at " + settings.discoveryUrl() + ": "
                    + e.getMessage(), e);
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
