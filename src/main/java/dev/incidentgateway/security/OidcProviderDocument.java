package dev.incidentgateway.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

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
}
