package dev.incidentgateway.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful OpenID provider for the console's sign-in (authorization code flow with PKCE, public client) on
 * 127.0.0.1, checking what a real one checks: {@code /authorize} knows the client and its exact redirect URI (else a
 * 400 page, never a redirect), wants {@code response_type=code} and an S256 challenge, and redirects back with a code
 * and the state (auto-approve); {@code /token} redeems a code once, for the same client and redirect URI, only with
 * the verifier whose SHA-256 is the challenge (else 400 {@code invalid_grant}), answers CORS for the registered
 * origin only, and issues an RS256 access token for the configured audience and the requested scopes. Discovery and
 * JWKS as usual. Knobs make the next authorization fail, come back with another state, or issue an expired token.
 */
public final class FakeOidcProvider implements AutoCloseable {
    private record Client(String redirectUri, String origin) {
    }

    private record Grant(String clientId, String redirectUri, String challenge, String scope) {
    }

    private final HttpServer server;
    private final RSAKey key;
    private final String audience;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> redemptions = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile String lastCode;
    private volatile String[] nextError;
    private volatile String nextState;
    private volatile Duration tokenLifetime = Duration.ofMinutes(10);
    /** The authorization and token endpoints the discovery document names. */
    private volatile String[] discoveredEndpoints;

    public FakeOidcProvider(String audience) {
        this.audience = audience;
        try {
            key = new RSAKeyGenerator(2048).keyID("fake-op-1").generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/op/.well-known/openid-configuration", ex -> reply(ex, 200, "application/json", "{\"issuer\":\""
                + issuer() + "\",\"authorization_endpoint\":\"" + discoveredEndpoints[0] + "\",\"token_endpoint\":\""
                + discoveredEndpoints[1] + "\",\"jwks_uri\":\"" + base() + "/keys\",\"response_types_supported\":[\"code\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"],\"grant_types_supported\":[\"authorization_code\"]}"));
        server.createContext("/keys", ex -> reply(ex, 200, "application/json", new JWKSet(key.toPublicJWK()).toString(true)));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        discoveredEndpoints = new String[] {authorizationEndpoint(), tokenEndpoint()};
        server.start();
    }

    /** Makes the discovery document name these endpoints instead of its own (a provider behind a misconfigured proxy). */
    public void discoveryNamesEndpoints(String authorization, String token) {
        discoveredEndpoints = new String[] {authorization, token};
    }

    public String issuer() {
        return base() + "/op";
    }

    public String tokenEndpoint() {
        return base() + "/token";
    }

    public String authorizationEndpoint() {
        return base() + "/authorize";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers a public client: its one redirect URI, and the origin its token requests come from (CORS). */
    public void registerClient(String clientId, String redirectUri) {
        URI uri = URI.create(redirectUri);
        clients.put(clientId, new Client(redirectUri, uri.getScheme() + "://" + uri.getAuthority()));
    }

    /** The next authorization redirects back with this error instead of a code. */
    public void refuseNext(String error, String description) {
        nextError = new String[] {error, description};
    }

    /** The next authorization redirects back with this state instead of the one it was given. */
    public void answerNextWithState(String state) {
        nextState = state;
    }

    /** Lifetime of the tokens issued from now on (negative: already expired). */
    public void tokenLifetime(Duration lifetime) {
        tokenLifetime = lifetime;
    }

    public String lastCode() {
        return lastCode;
    }

    /** How often a code was presented at the token endpoint (only the first can succeed). */
    public int redemptions(String code) {
        AtomicInteger n = redemptions.get(code);
        return n == null ? 0 : n.get();
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** An access token as the token endpoint issues it, for tests that paste one. */
    public String accessToken(String subject, String scope) {
        return sign(subject, scope, "pasted");
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        Client client = clients.get(q.getOrDefault("client_id", ""));
        // RFC 6749 §4.1.2.1: with an unknown client or redirect URI the provider must not redirect anywhere.
        if (client == null || !client.redirectUri().equals(q.get("redirect_uri"))) {
            reply(ex, 400, "text/html", "<h1>invalid_request</h1><p>unknown client_id or unregistered redirect_uri</p>");
            return;
        }
        String state = q.get("state");
        String[] error = nextError;
        nextError = null;
        if (error == null && !"code".equals(q.get("response_type"))) {
            error = new String[] {"unsupported_response_type", "only the code flow"};
        } else if (error == null && (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                || q.get("code_challenge").length() != 43)) {
            error = new String[] {"invalid_request", "PKCE with S256 is required for public clients"};
        }
        String back;
        if (error != null) {
            back = "error=" + enc(error[0]) + "&error_description=" + enc(error[1]);
        } else {
            String code = Base64URL.encode(bytes(32)).toString();
            grants.put(code, new Grant(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge"), q.getOrDefault("scope", "")));
            lastCode = code;
            back = "code=" + enc(code);
        }
        String answered = nextState != null ? nextState : state;
        nextState = null;
        ex.getResponseHeaders().set("Location", client.redirectUri() + "?" + back + (answered == null ? "" : "&state=" + enc(answered)));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && clients.values().stream().anyMatch(c -> c.origin().equals(origin))) {
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            ex.getResponseHeaders().set("Vary", "Origin");
        }
        if ("OPTIONS".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "POST");
            ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
            ex.sendResponseHeaders(204, -1);
            ex.close();
            return;
        }
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"POST".equals(ex.getRequestMethod()) || !"authorization_code".equals(f.get("grant_type"))) {
            reply(ex, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        String code = f.getOrDefault("code", "");
        redemptions.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
        Grant grant = grants.remove(code); // one-time, whatever the outcome
        String why = grant == null ? "unknown or already used code"
                : !grant.clientId().equals(f.get("client_id")) ? "code issued to another client"
                : !grant.redirectUri().equals(f.get("redirect_uri")) ? "redirect_uri differs from the authorization request's"
                : !grant.challenge().equals(s256(f.getOrDefault("code_verifier", ""))) ? "PKCE verification failed" : null;
        if (why != null) {
            reply(ex, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"" + why + "\"}");
            return;
        }
        String token = sign("operator-1", grant.scope(), grant.clientId());
        tokensIssued.incrementAndGet();
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        reply(ex, 200, "application/json", "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + tokenLifetime.toSeconds() + ",\"scope\":\"" + grant.scope() + "\"}");
    }

    private String sign(String subject, String scope, String clientId) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer()).subject(subject).audience(audience)
                .issueTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plus(tokenLifetime)))
                .jwtID(UUID.randomUUID().toString()).claim("scope", scope).claim("client_id", clientId).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** base64url(SHA-256(ASCII(verifier))), RFC 7636 §4.6. */
    public static String s256(String verifier) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
