package dev.incidentgateway.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID provider's public side on 127.0.0.1 (JDK HttpServer): its discovery document at
 * {@code <issuer>/.well-known/openid-configuration} and its JWKS at {@code /keys}, counting the fetches of
 * each. The published keys can change while it runs (rotation), and the JWKS can be made to fail.
 */
public final class FakeIdentityProvider implements AutoCloseable {
    private final HttpServer server;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger discoveryFetches = new AtomicInteger();
    private volatile boolean jwksDown;
    private volatile String discoveryIssuer;
    private volatile String discoveryJwksUri;

    public FakeIdentityProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/realms/ops/.well-known/openid-configuration", ex -> {
            discoveryFetches.incrementAndGet();
            String issuer = discoveryIssuer != null ? discoveryIssuer : issuer();
            String jwksUri = discoveryJwksUri != null ? discoveryJwksUri : jwksUrl();
            reply(ex, 200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\","
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}");
        });
        server.createContext("/keys", ex -> {
            jwksFetches.incrementAndGet();
            if (jwksDown) {
                reply(ex, 503, "{\"error\":\"down\"}");
            } else {
                reply(ex, 200, new JWKSet(new ArrayList<>(published)).toString(true)); // public parts only
            }
        });
        server.start();
    }

    public String issuer() {
        return base() + "/realms/ops";
    }

    String jwksUrl() {
        return base() + "/keys";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void publish(JWK key) {
        published.add(key);
    }

    void jwksDown(boolean down) {
        jwksDown = down;
    }

    /** Makes the discovery document name another issuer than the one it is served for. */
    void discoveryNamesIssuer(String issuer) {
        discoveryIssuer = issuer;
    }

    /** Makes the discovery document name this {@code jwks_uri} instead of its own {@code /keys}. */
    void discoveryNamesJwksUri(String uri) {
        discoveryJwksUri = uri;
    }

    int jwksFetches() {
        return jwksFetches.get();
    }

    int discoveryFetches() {
        return discoveryFetches.get();
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
