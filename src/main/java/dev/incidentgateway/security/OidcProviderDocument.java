package dev.incidentgateway.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.config.OidcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * The identity provider's discovery document ({@code <issuer>/.well-known/openid-configuration}, OpenID Connect
 * Discovery 1.0), read for two readers: the token verifier's JWKS lookup ({@link OidcDiscovery}) and the console's
 * sign-in (console/ConsoleSignIn, which needs the authorization and token endpoints).
 */
public final class OidcProviderDocument {
    private static final Logger LOG = LoggerFactory.getLogger(OidcProviderDocument.class);
    private final URL location;
    private final Map<String, Object> doc;

    private OidcProviderDocument(URL location, Map<String, Object> doc) {
        this.location = location;
        this.doc = doc;
    }

    /**
     * Fetches and parses the document of {@code settings.issuer()}.
     *
     * @throws IOException the document could not be read, is not JSON, or names another issuer (Discovery §4.3:
     *                     it must name the very issuer it was fetched for, or anyone serving it could redirect us)
     */
    public static OidcProviderDocument fetch(OidcSettings settings, ResourceRetriever retriever) throws IOException {
        URL discovery = settings.discoveryUrl();
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(retriever.retrieveResource(discovery).getContent());
        } catch (ParseException e) {
            throw new IOException("the discovery document at " + discovery + " is not a JSON object: " + e.getMessage(), e);
        }
        Object issuer = doc.get("issuer");
        if (!settings.issuer().equals(issuer)) {
            throw new IOException("the discovery document at " + discovery + " names issuer '" + issuer
                    + "', not the configured " + settings.issuer());
        }
        return new OidcProviderDocument(discovery, doc);
    }

    /**
     * The http(s) URI of the document's member {@code name} (such as {@code jwks_uri}, {@code token_endpoint}).
     * Other schemes are refused: nimbus' retriever also reads {@code file:} URLs, and a browser would run a
     * {@code javascript:} one.
     *
     * @throws IOException the member is missing or not an http(s) URI
     */
    public URI httpUri(String name) throws IOException {
        Object value = doc.get(name);
        try {
            URI uri = value instanceof String s ? new URI(s) : null;
            if (uri != null && uri.getHost() != null && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IOException("the discovery document at " + location + " has no http(s) " + name);
    }

    /**
     * {@link #httpUri} held to the rule the configured URLs meet at start ({@link OidcTransport}): plain http on a host
     * other than loopback is refused unless {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true} ({@code allowInsecureHttp}),
     * and accepted then with a WARN. Every endpoint the gateway takes from the document passes here, so the rule is
     * applied, worded and opted out of in one place.
     *
     * @param risk   what anyone on the network path could do over plain http to this endpoint
     * @param remedy what the operator can fix besides opting out, a sentence without its full stop
     * @throws IOException the member is missing, not an http(s) URI, or refused plain http (the message names the
     *                     member, the URL and {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP}, never a credential)
     */
    public URI endpoint(String name, boolean allowInsecureHttp, String risk, String remedy) throws IOException {
        URI uri = httpUri(name);
        if (OidcTransport.refused(uri.toString(), allowInsecureHttp)) {
            throw new IOException("the discovery document at " + location + " names " + name + " "
                    + OidcTransport.plainHttp(uri.toString(), risk) + ". " + remedy + ", or set "
                    + IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP.env() + "=true if you trust that path");
        }
        if (OidcTransport.insecure(uri.toString())) {
            LOG.warn("OIDC: the discovery document names the plain-http {} {}, accepted because {}=true: {}", name, uri,
                    IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP.env(), risk);
        }
        return uri;
    }
}
