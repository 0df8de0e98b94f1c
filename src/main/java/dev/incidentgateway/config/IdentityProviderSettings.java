package dev.incidentgateway.config;

import java.util.List;

/**
 * OpenID Connect settings: the identity provider whose access tokens the API takes, and the console's sign-in there.
 * (security/OidcSettings is the validated form the verifier uses.)
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class IdentityProviderSettings {
    // OpenID Connect access tokens (issue 9, security/OidcTokenVerifier): off while the issuer is empty.
    public static final ConfigKey<String> OIDC_ISSUER = ConfigKey.matching("oidc.issuer", "GATEWAY_OIDC_ISSUER", "",
            "|https?://\\S+", "empty or the issuer URL of the identity provider, such as https://idp.example.com/realms/ops",
            "Issuer of the OpenID Connect access tokens (JWT) the API accepts besides API keys; a token's iss must equal it "
                    + "exactly (mind a trailing slash). Empty: OIDC is off.");
    public static final ConfigKey<String> OIDC_AUDIENCE = ConfigKey.string("oidc.audience", "GATEWAY_OIDC_AUDIENCE", "",
            "Audience a token's aud must contain (the gateway's client id or API identifier at the identity provider). "
                    + "Required when oidc.issuer is set.");
    public static final ConfigKey<String> OIDC_JWKS_URL = ConfigKey.matching("oidc.jwksUrl", "GATEWAY_OIDC_JWKS_URL", "",
            "|https?://\\S+", "empty or an http(s) URL", "URL of the identity provider's signing keys (JWKS). Empty: the jwks_uri "
                    + "of <issuer>/.well-known/openid-configuration, fetched on the first token.");
    public static final ConfigKey<String> OIDC_ALLOW_INSECURE_HTTP = ConfigKey.matching("oidc.allowInsecureHttp",
            "GATEWAY_OIDC_ALLOW_INSECURE_HTTP", "false", "true|false", "true or false", "Accept an http:// oidc.issuer or "
                    + "oidc.jwksUrl on a host other than loopback (and such a jwks_uri from the issuer's discovery document, "
                    + "else refused at the first token, and such console sign-in endpoints from it, else not offered). "
                    + "Whoever is on the network path could then swap the signing keys and forge any token, admin included, "
                    + "or take the console's sign-ins. false: the start refuses it (http://127.0.0.1, localhost and "
                    + "[::1] are accepted).");
    public static final ConfigKey<String> OIDC_SCOPE_PREFIX = ConfigKey.string("oidc.scopePrefix", "GATEWAY_OIDC_SCOPE_PREFIX", "",
            "Prefix of the gateway's scopes in a token's scope/scp claim: with gateway: the scope gateway:read grants read "
                    + "and scopes without the prefix are ignored. Empty: read, write, operate, metrics, admin as they are.");
    // Security review (session 36): a token minted for years by a misconfigured identity provider stays a skeleton key
    // for years. 24 h admits the mainstream defaults (Keycloak 5 min, Entra ID 60-90 min, Okta at most 24 h, Auth0
    // APIs 24 h) and refuses the rest; 30 days is Auth0's own ceiling.
    public static final ConfigKey<Integer> OIDC_MAX_TOKEN_LIFETIME_S = ConfigKey.integer("oidc.maxTokenLifetimeSeconds",
            "GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S", 86_400, 60, 2_592_000, "Longest lifetime of an accepted access token, in "
                    + "seconds: exp - iat, or exp - now for a token without iat (then with the 60 s clock tolerance). A longer "
                    + "token is refused with 401 however valid its signature.");

    // Issue 12, console sign-in at the identity provider (console/ConsoleSignIn): OAuth 2.0 authorization code flow
    // with PKCE, the console as a public client. Offered only when oidc.issuer is set too.
    public static final ConfigKey<String> OIDC_CONSOLE_CLIENT_ID = ConfigKey.string("oidc.console.clientId",
            "GATEWAY_OIDC_CONSOLE_CLIENT_ID", "", "Client id of the operator console at the identity provider (a public client: "
                    + "no secret, PKCE S256, redirect URI <console origin>/, CORS on the token endpoint for that origin). Set with "
                    + "oidc.issuer, the console offers 'Sign in with <issuer host>'; its tokens must carry oidc.audience. Empty: "
                    + "the console takes API keys and pasted access tokens only.");
    public static final ConfigKey<String> OIDC_CONSOLE_SCOPES = ConfigKey.string("oidc.console.scopes", "GATEWAY_OIDC_CONSOLE_SCOPES",
            "openid", "Space-separated scopes the console asks for at sign-in, such as 'openid gateway:read gateway:write' "
                    + "(with oidc.scopePrefix gateway:); the gateway grants what the access token's scope/scp claim holds.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL, OIDC_ALLOW_INSECURE_HTTP,
            OIDC_SCOPE_PREFIX, OIDC_MAX_TOKEN_LIFETIME_S, OIDC_CONSOLE_CLIENT_ID, OIDC_CONSOLE_SCOPES);

    private IdentityProviderSettings() {
    }
}
