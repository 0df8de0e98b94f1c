package dev.incidentgateway.security;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;

import dev.incidentgateway.timeline.EventLimits;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim checks of an access token, run by nimbus after the signature checked out: {@code iss} equals the
 * issuer exactly, {@code aud} contains the audience, {@code exp} (required) and {@code nbf} with
 * {@link #CLOCK_SKEW_SECONDS} of tolerance, {@code sub} present; then {@code iat} not in the future (same tolerance)
 * and a lifetime of at most the configured maximum ({@link #checkLifetime}).
 *
 * <p>nimbus' {@link DefaultJWTClaimsVerifier}, configured with the same rules, stays the authority; the
 * checks in front of it only name the reason in words safe to show the caller ({@link Rejected}), so a
 * caller learns whether its token expired or is for another audience, never what it contained.
 */
final class OidcClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
    static final int CLOCK_SKEW_SECONDS = 60;

    private final String issuer;
    private final String audience;
    private final Duration maxLifetime;

    OidcClaimsVerifier(String issuer, String audience, Duration maxLifetime) {
        super(Set.of(audience), new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "sub"), Set.of());
        setMaxClockSkew(CLOCK_SKEW_SECONDS);
        this.issuer = issuer;
        this.audience = audience;
        this.maxLifetime = maxLifetime;
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new Rejected("wrong issuer: the token was not issued by the configured identity provider (iss)");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(audience)) {
            throw new Rejected("wrong audience: the token is not meant for this gateway (aud)");
        }
        if (claims.getExpirationTime() == null) {
            throw new Rejected("malformed token: it has no expiry time (exp)");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw new Rejected("malformed token: it names no subject (sub)");
        }
        if (!EventLimits.fits(Principal.oidc(claims.getSubject(), Set.of()).name(), EventLimits.PRINCIPAL)) {
            // The principal oidc:<sub> is recorded on every event: a subject the store refuses is a credential problem (401),
            // not a 400 about the request at its first append.
            throw new Rejected("unusable subject: sub must be at most " + (EventLimits.PRINCIPAL - "oidc:".length())
                    + " characters of valid Unicode without NUL");
        }
        try {
            super.verify(claims, context);
        } catch (ExpiredJWTException e) {
            throw new Rejected("expired: the token's expiry time (exp) has passed");
        } catch (BadJWTException e) {
            // What is left after the checks above is the not-before time.
            throw new Rejected(claims.getNotBeforeTime() != null
                    ? "not yet valid: the token's not-before time (nbf) is in the future"
                    : "the token's claims were rejected");
        }
        checkLifetime(claims.getIssueTime(), claims.getExpirationTime(), currentTime());
    }

    /**
     * nimbus checks neither {@code iat} nor how long a token lives (RFC 7519 leaves both to the application), so this
     * is ours: a token issued in the future (beyond the clock tolerance) comes from a broken or forged clock, and one
     * living longer than {@code maxLifetime} (a ten-year token from a misconfigured identity provider) would work
     * as a password that never changes. A token without {@code iat} is accepted (RFC 7519 makes it optional; RFC 9068
     * access tokens and most providers carry it) as long as its {@code exp} is at most {@code maxLifetime} (plus the
     * tolerance) from now: whenever such a token is accepted, it has no longer left to live than an allowed one.
     */
    private void checkLifetime(Date iat, Date exp, Date now) throws Rejected {
        Instant current = now.toInstant();
        Instant expiry = exp.toInstant();
        if (iat != null && iat.toInstant().isAfter(current.plusSeconds(CLOCK_SKEW_SECONDS))) {
            throw new Rejected("issued in the future: the token's issue time (iat) is ahead of the gateway's clock by more "
                    + "than " + CLOCK_SKEW_SECONDS + " s");
        }
        if (iat != null && Duration.between(iat.toInstant(), expiry).compareTo(maxLifetime) > 0) {
            throw new Rejected("lifetime too long: the token is valid for more than " + maxLifetime.toSeconds()
                    + " s from its issue time (iat to exp), the longest this gateway accepts");
        }
        if (iat == null && Duration.between(current, expiry).compareTo(maxLifetime.plusSeconds(CLOCK_SKEW_SECONDS)) > 0) {
            throw new Rejected("lifetime too long: the token has no issue time (iat) and expires more than "
                    + maxLifetime.toSeconds() + " s from now, the longest lifetime this gateway accepts");
        }
    }

    /**
     * Why nimbus could not read these claims (its parser refuses a registered claim of the wrong JSON type, and its
     * message is not worded for a caller): the first such claim by name, else that there is no JSON object at all.
     */
    static String unreadable(Map<String, Object> claims) {
        if (claims == null) {
            return "its claims are not a JSON object";
        }
        for (String time : List.of("exp", "nbf", "iat")) {
            if (claims.get(time) != null && !(claims.get(time) instanceof Number)) {
                return "claim " + time + " must be a number (seconds since 1970)";
            }
        }
        for (String text : List.of("iss", "jti")) { // nimbus reads a non-string sub as text
            if (claims.get(text) != null && !(claims.get(text) instanceof String)) {
                return "claim " + text + " must be a string";
            }
        }
        Object aud = claims.get("aud");
        if (aud != null && !(aud instanceof String) && !(aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
            return "claim aud must be a string or a list of strings";
        }
        return "its claims could not be read";
    }

    /** A claim check failed; the message says which, without any value from the token. */
    static final class Rejected extends BadJWTException {
        Rejected(String message) {
            super(message);
        }
    }
}
