package dev.incidentgateway.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The identity provider's URLs must be https: its signing keys come from them, and whoever can swap the keys on the
 * way forges any token, admin included. Plain http is accepted on a loopback host (tests, a local identity provider)
 * and where {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true} says the operator trusts the network path. The configured
 * URLs are checked when the configuration loads (the start stops, exit 2); the {@code jwks_uri} an issuer's discovery
 * document names is checked by the same rule when it is read (security/OidcDiscovery, on the first token).
 */
public final class OidcTransport {
    private OidcTransport() {
    }

    /** Adds a problem for each of {@code oidc.issuer} and {@code oidc.jwksUrl} that is an http URL it may not be. */
    static void refuseInsecure(Function<ConfigKey<?>, String> values, List<String> problems) {
        boolean allowed = Boolean.parseBoolean(values.apply(GatewayConfig.OIDC_ALLOW_INSECURE_HTTP));
        for (ConfigKey<String> key : List.of(GatewayConfig.OIDC_ISSUER, GatewayConfig.OIDC_JWKS_URL)) {
            String url = values.apply(key);
            if (refused(url, allowed)) {
                problems.add(key.problem(plainHttp(url) + ". Use https://, or set " + GatewayConfig.OIDC_ALLOW_INSECURE_HTTP.env()
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

    /** Why a plain-http {@code url} is refused, in the words of every such refusal. */
    public static String plainHttp(String url) {
        return "'" + url + "' is plain http: anyone on the network path could swap the identity provider's signing keys "
                + "and forge tokens";
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
