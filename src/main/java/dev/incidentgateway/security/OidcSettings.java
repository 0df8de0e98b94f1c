package dev.incidentgateway.security;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.GatewayConfig;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenID Connect settings of {@link OidcTokenVerifier}, read from the {@code GATEWAY_OIDC_*} keys of
 * {@link GatewayConfig} (which already refuses an issuer without an audience).
 *
 * @param issuer      the exact {@code iss} of accepted tokens
 * @param audience    a value the token's {@code aud} must contain
 * @param jwksUrl     where the signing keys are, or {@code null} to take {@code jwks_uri} from the discovery document
 * @param scopePrefix prefix of the gateway's scopes in {@code scope}/{@code scp} ({@code ""}: none)
 */
public record OidcSettings(String issuer, String audience, URL jwksUrl, String scopePrefix) {
    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(scopePrefix, "scopePrefix");
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalArgumentException("OIDC needs an issuer and an audience");
        }
    }

    /** Empty when {@code GATEWAY_OIDC_ISSUER} is empty (OIDC off). */
    public static Optional<OidcSettings> fromConfig(GatewayConfig config) {
        String issuer = config.get(GatewayConfig.OIDC_ISSUER);
        if (issuer.isBlank()) {
            return Optional.empty();
        }
        url(GatewayConfig.OIDC_ISSUER, issuer);
        String jwks = config.get(GatewayConfig.OIDC_JWKS_URL);
        return Optional.of(new OidcSettings(issuer, config.get(GatewayConfig.OIDC_AUDIENCE),
                jwks.isBlank() ? null : url(GatewayConfig.OIDC_JWKS_URL, jwks), config.get(GatewayConfig.OIDC_SCOPE_PREFIX)));
    }

    /**
     * OpenID Connect Discovery 1.0 §4: the issuer with any trailing {@code /} removed, then
     * {@code /.well-known/openid-configuration}.
     */
    public URL discoveryUrl() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return url(GatewayConfig.OIDC_ISSUER, base + "/.well-known/openid-configuration");
    }

    private static URL url(ConfigKey<String> key, String value) {
        try {
            return URI.create(value).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ConfigException(key.problem("not a valid URL: '" + value + "'"));
        }
    }
}
