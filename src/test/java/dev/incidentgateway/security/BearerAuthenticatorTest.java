package dev.incidentgateway.security;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BearerAuthenticatorTest {
    private static final Principal KEY = Principal.apiKey("ops", Set.of(Scope.READ));
    private static final Principal OIDC = Principal.oidc("alice", Set.of(Scope.WRITE));
    private static final CredentialVerifier KEYS = token -> {
        if (token.equals("igw_good")) {
            return KEY;
        }
        throw new InvalidCredentialException("unknown or revoked API key");
    };
    private static final CredentialVerifier JWTS = token -> OIDC;

    @Test
    void noHeaderOrAnEmptyBearerIsMissing() {
        BearerAuthenticator auth = new BearerAuthenticator(KEYS, Optional.empty());
        assertThat(auth.authenticate(null)).isInstanceOf(BearerAuthenticator.Missing.class);
        assertThat(auth.authenticate("  ")).isInstanceOf(BearerAuthenticator.Missing.class);
        assertThat(auth.authenticate("Bearer ")).isInstanceOf(BearerAuthenticator.Missing.class);
    }

    @Test
    void anotherSchemeIsToldTheSchemeAndAWrongKeyIsRefused() {
        BearerAuthenticator auth = new BearerAuthenticator(KEYS, Optional.empty());
        assertThat(auth.authenticate("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).isInstanceOf(BearerAuthenticator.OtherScheme.class);
        assertThat(auth.authenticate("igw_good")).isInstanceOf(BearerAuthenticator.OtherScheme.class);
        assertThat(auth.authenticate("Bearer igw_bad")).isEqualTo(new BearerAuthenticator.Refused("unknown or revoked API key"));
    }

    @Test
    void apiKeysGoToTheKeyVerifierWhateverTheSchemeCase() {
        BearerAuthenticator auth = new BearerAuthenticator(KEYS, Optional.of(JWTS));
        assertThat(auth.authenticate("Bearer igw_good")).isEqualTo(new BearerAuthenticator.Authenticated(KEY));
        assertThat(auth.authenticate("bearer igw_good")).isEqualTo(new BearerAuthenticator.Authenticated(KEY));
    }

    @Test
    void jwtShapedTokensGoToTheOidcVerifierOrAreRefusedWithoutOne() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        assertThat(new BearerAuthenticator(KEYS, Optional.of(JWTS)).authenticate("Bearer " + jwt))
                .isEqualTo(new BearerAuthenticator.Authenticated(OIDC));
        BearerAuthenticator.Outcome without = new BearerAuthenticator(KEYS, Optional.empty()).authenticate("Bearer " + jwt);
        assertThat(without).isInstanceOf(BearerAuthenticator.Refused.class);
        assertThat(((BearerAuthenticator.Refused) without).reason()).contains("OpenID Connect").doesNotContain(jwt);
    }

    @Test
    void anIdentityProviderThatCannotBeReachedIsUnavailableNotRefused() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        CredentialVerifier down = token -> {
            throw new IdentityProviderUnavailableException("the identity provider's signing keys could not be fetched", null);
        };
        BearerAuthenticator.Outcome outcome = new BearerAuthenticator(KEYS, Optional.of(down)).authenticate("Bearer " + jwt);
        assertThat(outcome).isEqualTo(new BearerAuthenticator.Unavailable(
                "the identity provider's signing keys could not be fetched", IdentityProviderUnavailableException.RETRY_AFTER_SECONDS));
    }

    @Test
    void aHeldApiKeyLapsesOnceTheKeysInMemoryNoLongerHoldItAndAHeldTokenAtItsAcceptedEnd() {
        java.util.concurrent.atomic.AtomicBoolean known = new java.util.concurrent.atomic.AtomicBoolean(true);
        CredentialVerifier keys = new CredentialVerifier() {
            @Override
            public Principal verify(String token) {
                return KEY;
            }

            @Override
            public Optional<Principal> fromMemory(String token) {
                return known.get() && token.equals("igw_good") ? Optional.of(KEY) : Optional.empty();
            }
        };
        java.time.Instant until = java.time.Instant.parse("2026-01-01T00:01:00Z");
        CredentialVerifier jwts = new CredentialVerifier() {
            @Override
            public Principal verify(String token) {
                return OIDC;
            }

            @Override
            public Optional<java.time.Instant> acceptedUntil(String token) {
                return Optional.of(until);
            }
        };
        BearerAuthenticator auth = new BearerAuthenticator(keys, Optional.of(jwts));
        HeldCredential key = auth.held("Bearer igw_good");
        assertThat(key.lapsed(until)).isEmpty();
        known.set(false); // revoked: the next reload of the keys no longer has it
        assertThat(key.lapsed(until)).contains("the API key was revoked");

        HeldCredential token = auth.held("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl");
        assertThat(token.lapsed(until.minusMillis(1))).isEmpty();
        assertThat(token.lapsed(until)).contains("the access token expired");
    }
}
