package dev.incidentgateway.security;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.IdentityProviderSettings;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
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
 * @param maxTokenLifetime  longest lifetime of an accepted token ({@code exp - iat})
 * @param allowInsecureHttp whether a plain-http URL on a non-loopback host may serve the keys or the console's sign-in
 *                          (here: the endpoints a discovery document names, OidcProviderDocument#endpoint; the
 *                          configured URLs were checked when the configuration was loaded)
 */
public record OidcSettings(String issuer, String audience, URL jwksUrl, String scopePrefix, Duration maxTokenLifetime,
                           boolean allowInsecureHttp) {
    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(scopePrefix, "scopePrefix");
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalArgumentException("OIDC needs an issuer and an audience");
        }
    }

    /** With the defaults of {@code GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S} and {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP}. */
    public OidcSettings(String issuer, String audience, URL jwksUrl, String scopePrefix) {
        this(issuer, audience, jwksUrl, scopePrefix,
                Duration.ofSeconds(Integer.parseInt(IdentityProviderSettings.OIDC_MAX_TOKEN_LIFETIME_S.defaultValue())),
                Boolean.parseBoolean(IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP.defaultValue()));
    }

    /** Empty when {@code GATEWAY_OIDC_ISSUER} is empty (OIDC off). */
    public static Optional<OidcSettings> fromConfig(GatewayConfig config) {
        String issuer = config.get(IdentityProviderSettings.OIDC_ISSUER);
        if (issuer.isBlank()) {
            return Optional.empty();
        }
        url(IdentityProviderSettings.OIDC_ISSUER, issuer);
        String jwks = config.get(IdentityProviderSettings.OIDC_JWKS_URL);
        return Optional.of(new OidcSettings(issuer, config.get(IdentityProviderSettings.OIDC_AUDIENCE),
                jwks.isBlank() ? null : url(IdentityProviderSettings.OIDC_JWKS_URL, jwks), config.get(IdentityProviderSettings.OIDC_SCOPE_PREFIX),
                Duration.ofSeconds(config.get(IdentityProviderSettings.OIDC_MAX_TOKEN_LIFETIME_S)),
                Boolean.parseBoolean(config.get(IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP))));
    }

    /**
     * OpenID Connect Discovery 1.0 §4: the issuer with any trailing {@code /} removed, then
     * {@code /.well-known/openid-configuration}.
     */
    public URL discoveryUrl() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return url(IdentityProviderSettings.OIDC_ISSUER, base + "/.well-known/openid-configuration");
    }

    private static URL url(ConfigKey<String> key, String value) {
        try {
            return URI.create(value).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ConfigException(key.problem("not a valid URL: '" + value + "'"));
        }
    }
}
