package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.security.BearerAuthenticator;
import dev.incidentgateway.security.CredentialVerifier;
import dev.incidentgateway.security.InvalidCredentialException;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.transport.HeaderAuthentication;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the edge may admit from memory, on its event loop: an API key the snapshot holds with the scope the route needs, a
 * webhook source's own verdict, and nothing else (no open route, no JWT, no key with too small a scope).
 */
class CredentialsBeforeBodyTest {
    private static final Map<String, Principal> IN_MEMORY = Map.of(
            "igw_writer", Principal.apiKey("writer", Set.of(Scope.WRITE)),
            "igw_reader", Principal.apiKey("reader", Set.of(Scope.READ)));

    private final CredentialVerifier apiKeys = new CredentialVerifier() {
        @Override
        public Principal verify(String token) throws InvalidCredentialException {
            throw new AssertionError("the store must not be asked from memory");
        }

        @Override
        public Optional<Principal> fromMemory(String token) {
            return Optional.ofNullable(IN_MEMORY.get(token));
        }
    };
    private final CredentialVerifier jwt = token -> {
        throw new AssertionError("a JWT is never verified on the event loop");
    };
    private final ApiAuthPolicyFactory api = new ApiAuthPolicyFactory(new BearerAuthenticator(apiKeys, Optional.of(jwt)),
            new ApiEndpoint.Settings(new ProblemMapper(new ObjectMapper()), 1024), new dev.incidentgateway.security.RefusalLog(java.time.Clock.systemUTC()));
    private final CredentialsBeforeBody edge = new CredentialsBeforeBody(api, new HeaderAuthentication() {
        @Override
        public Verdict check(String path, String method, Map<String, String> headers) {
            throw new AssertionError("not asked here");
        }

        @Override
        public boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
            return "Bearer source-token".equals(headers.get("Authorization"));
        }
    });

    private boolean admitted(String method, String path, String authorization) {
        return edge.acceptedFromMemory(path, method, authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    @Test
    void aKeyInMemoryWithTheRoutesScopeIsAdmitted() {
        assertThat(admitted("POST", "/api/v1/incidents", "Bearer igw_writer")).isTrue();
        assertThat(admitted("POST", "/api/v1/incidents/INC-7/events", "bearer  igw_writer ")).isTrue();
    }

    @Test
    void anythingElseIsLeftToTheCheckThatMayWait() {
        assertThat(admitted("POST", "/api/v1/incidents", "Bearer igw_reader")).as("read cannot write: the check answers 403").isFalse();
        assertThat(admitted("POST", "/api/v1/incidents", "Bearer igw_unknown")).as("maybe created a moment ago").isFalse();
        assertThat(admitted("POST", "/api/v1/incidents", "Bearer a.b.c")).as("a JWT").isFalse();
        assertThat(admitted("POST", "/api/v1/incidents", "Basic igw_writer")).isFalse();
        assertThat(admitted("POST", "/api/v1/incidents", null)).isFalse();
    }

    @Test
    void aWebhookSourceDecidesForItself() {
        assertThat(admitted("POST", "/webhooks/alertmanager", "Bearer source-token")).isTrue();
        assertThat(admitted("POST", "/webhooks/alertmanager", "Bearer igw_writer")).as("an API key is no source's token").isFalse();
    }
}
