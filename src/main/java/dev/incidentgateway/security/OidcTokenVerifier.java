package dev.incidentgateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.config.OidcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts OpenID Connect access tokens (signed JWTs) of one identity provider: the principal is
 * {@code oidc:<sub>}, its scopes those of the token's {@code scope} or {@code scp} claim that name a gateway
 * {@link Scope} (after the configured prefix). A token granting none still authenticates, with no scopes.
 *
 * <p>All parsing and cryptography is nimbus-jose-jwt's {@link DefaultJWTProcessor}; this class configures
 * it (asymmetric algorithms only, keys from {@link OidcKeySource}, claims by {@link OidcClaimsVerifier})
 * and turns its verdicts into messages a caller may see. Thread-safe; keys are cached, so a request only
 * waits on the network when a token names a key the gateway has not seen yet.
 */
public final class OidcTokenVerifier implements CredentialVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(OidcTokenVerifier.class);

    /**
     * Public-key signatures only: with an HMAC algorithm the "key" would be a secret shared with the identity
     * provider, and {@code none} is no signature. EdDSA is missing because nimbus verifies it only with the
     * optional Google Tink library and not through JWKS-based key selection.
     */
    static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** Plain JWTs (Keycloak, Entra ID), RFC 9068 access tokens ({@code at+jwt}) and tokens without {@code typ}. */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TOKEN_TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null);

    static final String KEYS_UNAVAILABLE = "the identity provider's signing keys could not be fetched; try again shortly";

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final OidcKeySource keys;
    private final String scopePrefix;

    public OidcTokenVerifier(OidcSettings settings) {
        this(settings, OidcKeySource.create(settings));
    }

    OidcTokenVerifier(OidcSettings settings, OidcKeySource keys) {
        this.keys = keys;
        this.scopePrefix = settings.scopePrefix();
        processor.setJWSTypeVerifier(TOKEN_TYPES);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, keys.keys()));
        processor.setJWTClaimsSetVerifier(new OidcClaimsVerifier(settings.issuer(), settings.audience(),
                settings.maxTokenLifetime()));
    }

    /** The verifier {@code GATEWAY_OIDC_*} describe, or empty when {@code GATEWAY_OIDC_ISSUER} is empty. */
    public static Optional<OidcTokenVerifier> fromConfig(GatewayConfig config) {
        return OidcSettings.fromConfig(config).map(settings -> {
            LOG.info("OIDC access tokens accepted from issuer {} for audience {} (keys from {}), living at most {} s", settings.issuer(),
                    settings.audience(), settings.jwksUrl() != null ? settings.jwksUrl() : settings.discoveryUrl(),
                    settings.maxTokenLifetime().toSeconds());
            // Said whenever the opt-out is set, not only when a configured URL is plain http: it also lets the endpoints
            // the discovery document names be plain http, and that document is read later (each such endpoint gets its
            // own WARN then, OidcProviderDocument#endpoint).
            if (settings.allowInsecureHttp()) {
                LOG.warn(insecureHttpWarning(settings, !config.get(IdentityProviderSettings.OIDC_CONSOLE_CLIENT_ID).isBlank()));
            }
            return new OidcTokenVerifier(settings);
        });
    }

    /**
     * The start's WARN under {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true}: everything the opt-out lets travel over plain
     * http on any host, and what anyone on the path could then do.
     *
     * @param consoleSignIn whether the console signs operators in at the identity provider
     *                      ({@code GATEWAY_OIDC_CONSOLE_CLIENT_ID} set): its endpoints come from the discovery document too
     */
    static String insecureHttpWarning(OidcSettings settings, boolean consoleSignIn) {
        String issuer = "the identity provider's issuer with its discovery document";
        String keys = "its signing keys (" + (settings.jwksUrl() != null ? IdentityProviderSettings.OIDC_JWKS_URL.env() : "the document's jwks_uri") + ")";
        String what = consoleSignIn ? issuer + ", " + keys + " and the console's sign-in endpoints (the document's "
                + "authorization_endpoint and token_endpoint)" : issuer + " and " + keys;
        return IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP.env() + "=true: plain http is accepted on any host for " + what + ": "
                + OidcTransport.SWAPPED_KEYS + (consoleSignIn ? "; " + OidcTransport.TAKEN_SIGN_INS : "");
    }

    /**
     * @throws IdentityProviderUnavailableException the signing keys could not be fetched (a 503 case)
     * @throws InvalidCredentialException           anything else wrong with the token, the message says what
     */
    @Override
    public Principal verify(String token) throws InvalidCredentialException {
        SignedJWT jwt = parseSigned(token);
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (OidcClaimsVerifier.Rejected e) {
            throw new InvalidCredentialException(e.getMessage());
        } catch (BadJWSException e) {
            throw new InvalidCredentialException("bad signature: the token's signature does not verify with the identity provider's key");
        } catch (BadJOSEException e) {
            // The algorithm and type were checked in parseSigned: what is left is no key for the token in the JWKS.
            throw noKey(jwt, "unknown key: the token is signed with a key the identity provider does not publish", e);
        } catch (RateLimitReachedException e) {
            // An unknown kid while the keys were just fetched (and that fetch worked): most likely made up. 401 (the
            // token cannot be verified), not 503, so a forged token never gets a 5xx; a key the provider has just
            // rotated in verifies once the short fetch interval has passed. After a failed fetch noKey answers 503.
            throw noKey(jwt, "unknown key: the token is signed with a key the identity provider did not "
                    + "publish when its keys were last fetched (fetched again at most every "
                    + OidcKeySource.MIN_FETCH_INTERVAL.toSeconds() + " s)", e);
        } catch (KeySourceException e) {
            // The outage itself is logged once, by OidcKeySource where the fetch failed: not once per token.
            LOG.debug("OIDC: a token could not be checked, the signing keys are unavailable: {}", e.getMessage());
            throw new IdentityProviderUnavailableException(KEYS_UNAVAILABLE, e);
        } catch (JOSEException e) {
            throw new InvalidCredentialException("bad signature: the token's signature could not be verified");
        }
        return Principal.oidc(claims.getSubject(), scopes(claims));
    }

    /** {@code exp} + {@value OidcClaimsVerifier#CLOCK_SKEW_SECONDS} s; read again from a token {@link #verify} accepted. */
    @Override
    public Optional<java.time.Instant> acceptedUntil(String verifiedToken) {
        try {
            java.util.Date exp = JWTParser.parse(verifiedToken).getJWTClaimsSet().getExpirationTime();
            // verify() requires exp; a token without one here was never verified: already past
            return Optional.of(exp == null ? java.time.Instant.MIN
                    : exp.toInstant().plusSeconds(OidcClaimsVerifier.CLOCK_SKEW_SECONDS));
        } catch (ParseException notVerified) {
            return Optional.of(java.time.Instant.MIN);
        }
    }

    /**
     * No key among the cached ones verifies the token. The caller's fault (401) only when the identity provider was
     * asked and answered: its {@code kid} is published for another algorithm, or the latest fetch worked and it is
     * not there. While the keys cannot be fetched (never yet, or the latest fetch failed and the rate limit holds
     * off the next one) the key may be one the provider rotated in meanwhile: 503, retry later.
     */
    private InvalidCredentialException noKey(SignedJWT jwt, String unknownKey, Exception cause) {
        if (keys.publishes(jwt.getHeader().getKeyID())) {
            return new InvalidCredentialException("the key does not match the algorithm: the identity provider publishes "
                    + "the token's key (kid) for another algorithm or key type than the token's (alg)");
        }
        if (!keys.lastFetchSucceeded()) {
            // Not a WARN per token: OidcKeySource logged the failed fetch that began this outage.
            LOG.debug("OIDC: a token names a key not among the cached ones and the identity provider's keys cannot be "
                    + "fetched at the moment");
            return new IdentityProviderUnavailableException(KEYS_UNAVAILABLE, cause);
        }
        return new InvalidCredentialException(unknownKey);
    }

    /** Checks what can be refused before any key is looked up, each with its own reason. */
    private static SignedJWT parseSigned(String token) throws InvalidCredentialException {
        if (token == null || token.isBlank()) {
            throw new InvalidCredentialException("malformed token: empty");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidCredentialException("malformed token: not a JWT");
        }
        if (jwt instanceof EncryptedJWT) {
            throw new InvalidCredentialException("malformed token: encrypted tokens are not accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidCredentialException("unsigned tokens (alg none) are not accepted");
        }
        if (!ACCEPTED_ALGORITHMS.contains(signed.getHeader().getAlgorithm())) {
            throw new InvalidCredentialException("the token's signing algorithm is not accepted (only RS*, PS* and ES* are)");
        }
        try {
            TOKEN_TYPES.verify(signed.getHeader().getType(), null);
            signed.getJWTClaimsSet();
        } catch (BadJOSEException e) {
            throw new InvalidCredentialException("malformed token: its type (typ) is not a JWT access token");
        } catch (ParseException e) {
            throw new InvalidCredentialException("malformed token: " + OidcClaimsVerifier.unreadable(signed.getPayload().toJSONObject()));
        }
        return signed;
    }

    /**
     * The gateway scopes among the token's {@code scope} (space-separated, RFC 9068) and {@code scp} (a list
     * or a space-separated string: Okta, Entra ID) claims; other scopes ({@code openid}, {@code email}, names
     * without the prefix) are ignored.
     */
    private Set<Scope> scopes(JWTClaimsSet claims) throws InvalidCredentialException {
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        for (String claim : List.of("scope", "scp")) {
            for (String name : names(claims.getClaim(claim), claim)) {
                if (name.startsWith(scopePrefix)) {
                    Scope.fromWire(name.substring(scopePrefix.length())).ifPresent(granted::add);
                }
            }
        }
        return granted;
    }

    private static List<String> names(Object value, String claim) throws InvalidCredentialException {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new InvalidCredentialException("malformed token: its " + claim + " claim is neither a string nor a list of strings");
    }
}
