package dev.incidentgateway.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The identity provider's URLs must be https: its signing keys come from them, and whoever can swap the keys on the
 * way forges any token, admin included; the console's sign-in sends the operator there and exchanges the
 * authorization code for an access token there. Plain http is accepted on a loopback host (tests, a local identity
 * provider) and where {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true} says the operator trusts the network path. The
 * configured URLs are checked when the configuration loads (the start stops, exit 2); the endpoints an issuer's
 * discovery document names ({@code jwks_uri}, and the console's {@code authorization_endpoint} and
 * {@code token_endpoint}) are checked by the same rule when it is read (security/OidcProviderDocument#endpoint).
 */
public final class OidcTransport {
    private OidcTransport() {
    }

    /** Adds a problem for each of {@code oidc.issuer} and {@code oidc.jwksUrl} that is an http URL it may not be. */
    static void refuseInsecure(Function<ConfigKey<?>, String> values, List<String> problems) {
        boolean allowed = Boolean.parseBoolean(values.apply(IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP));
        for (ConfigKey<String> key : List.of(IdentityProviderSettings.OIDC_ISSUER, IdentityProviderSettings.OIDC_JWKS_URL)) {
            String url = values.apply(key);
            if (refused(url, allowed)) {
                problems.add(key.problem(plainHttp(url) + ". Use https://, or set " + IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP.env()
                        + "=true if you trust that path"));
            }
        }
    }

    /** Whether {@code url} is plain http on a host other than loopback and the operator did not allow that. */
    public static boolean refused(String url, boolean allowInsecureHttp) {
        return !allowInsecureHttp && insecure(url);
    }

    /** Whether keys fetched from {@code url} could be swapped on the way: plain http on a host other than loopback. */
    public static boolean insecure(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("http://") && !loopback(url);
    }

    /** What plain http to the URLs the signing keys come from allows. */
    public static final String SWAPPED_KEYS = "anyone on the network path could swap the identity provider's signing keys "
            + "and forge tokens";

    /** What plain http to the console's sign-in endpoints (authorization and token endpoint) allows. */
    public static final String TAKEN_SIGN_INS = "anyone on the network path could watch the operator sign in and take the "
            + "authorization code and the access token it is exchanged for";

    /** Why a plain-http {@code url} the signing keys come from is refused, in the words of every such refusal. */
    public static String plainHttp(String url) {
        return plainHttp(url, SWAPPED_KEYS);
    }

    /** Why a plain-http {@code url} is refused: {@code risk} says what anyone on the network path could do. */
    public static String plainHttp(String url, String risk) {
        return "'" + url + "' is plain http: " + risk;
    }

    /** Whether {@code url}'s host is this machine (no name is looked up: only {@code localhost} and loopback literals). */
    static boolean loopback(String url) {
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return false; // not a URL: the setting's own check says so
        }
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
