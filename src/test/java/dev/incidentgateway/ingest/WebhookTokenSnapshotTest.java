package dev.incidentgateway.ingest;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.ingest.auth.BearerTokenAuthenticator;
import dev.incidentgateway.security.TokenDigest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory view of the gateway-managed tokens, through the real bearer authenticator: one token per
 * source, the shared environment token, reloads (a rotated token works at its first use, a failing store keeps the
 * last view).
 */
class WebhookTokenSnapshotTest {
    private final Map<String, byte[]> table = new HashMap<>();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();

    private WebhookTokenSnapshot snapshot(String sharedToken) throws SQLException {
        return new WebhookTokenSnapshot(() -> {
            loads.incrementAndGet();
            if (storeDown.get()) {
                throw new SQLException("connection refused");
            }
            return new HashMap<>(table);
        }, sharedToken);
    }

    private String issue(String source) {
        String token = WebhookTokenStore.newToken(source);
        table.put(source, TokenDigest.sha256(token));
        return token;
    }

    private static boolean accepted(WebhookTokenSnapshot tokens, String source, String token) {
        BearerTokenAuthenticator auth = new BearerTokenAuthenticator(tokens.forSource(source));
        try {
            auth.authenticate(new WebhookRequest(source, Map.of("Authorization", "Bearer " + token),
                    "{}".getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (ApiProblem p) {
            assertThat(p.status()).isEqualTo(401);
            assertThat(p.getMessage()).doesNotContain(token);
            return false;
        }
    }

    @Test
    void eachSourceAcceptsOnlyItsOwnToken() throws SQLException {
        String alertmanager = issue("alertmanager");
        String cloudevents = issue("cloudevents");
        WebhookTokenSnapshot tokens = snapshot("");
        assertThat(accepted(tokens, "alertmanager", alertmanager)).isTrue();
        assertThat(accepted(tokens, "cloudevents", cloudevents)).isTrue();
        assertThat(accepted(tokens, "cloudevents", alertmanager)).as("the Alertmanager token opens no other source").isFalse();
        assertThat(accepted(tokens, "alertmanager", cloudevents)).isFalse();
        assertThat(tokens.issued()).containsExactlyInAnyOrder("alertmanager", "cloudevents");
        assertThat(tokens.sharedTokenSet()).isFalse();
    }

    @Test
    void aSourceWithoutATokenRefusesEverything() throws SQLException {
        String alertmanager = issue("alertmanager");
        WebhookTokenSnapshot tokens = snapshot(null);
        assertThat(accepted(tokens, "grafana", alertmanager)).isFalse();
        assertThat(tokens.forSource("grafana").accepts(new byte[32])).as("not even the all-zero digest used for timing").isFalse();
    }

    @Test
    void theSharedEnvironmentTokenOpensEveryManagedSourceBesidesTheirOwn() throws SQLException {
        String cloudevents = issue("cloudevents");
        WebhookTokenSnapshot tokens = snapshot("  shared-env-token ");
        assertThat(tokens.sharedTokenSet()).isTrue();
        for (String source : new String[]{"alertmanager", "grafana", "cloudevents"}) {
            assertThat(accepted(tokens, source, "shared-env-token")).as(source).isTrue();
        }
        assertThat(accepted(tokens, "cloudevents", cloudevents)).isTrue();
        assertThat(accepted(tokens, "alertmanager", cloudevents)).isFalse();
        assertThat(accepted(tokens, "alertmanager", "shared-env-token-x")).isFalse();
    }

    @Test
    void aRotatedTokenWorksAtItsFirstUseAndTheOldOneStopsAtTheNextReload() throws SQLException {
        String first = issue("alertmanager");
        WebhookTokenSnapshot tokens = snapshot("");
        String second = issue("alertmanager");
        assertThat(accepted(tokens, "alertmanager", first)).as("still in force until the tokens are read again").isTrue();
        assertThat(accepted(tokens, "alertmanager", second)).as("not in the snapshot: read again, then accepted").isTrue();
        assertThat(accepted(tokens, "alertmanager", first)).isFalse();
        String third = issue("alertmanager");
        assertThat(tokens.refreshNow(Duration.ofSeconds(5))).isTrue();
        assertThat(accepted(tokens, "alertmanager", second)).isFalse();
        assertThat(accepted(tokens, "alertmanager", third)).isTrue();
    }

    @Test
    void whenTheStoreCannotBeReadTheLastTokensStayInForce() throws SQLException {
        String token = issue("alertmanager");
        WebhookTokenSnapshot tokens = snapshot("");
        storeDown.set(true);
        assertThat(tokens.refreshNow(Duration.ofSeconds(5))).as("the reload ran (and failed)").isTrue();
        assertThat(accepted(tokens, "alertmanager", token)).isTrue();
        storeDown.set(false);
        table.clear();
        assertThat(tokens.refreshNow(Duration.ofSeconds(5))).isTrue();
        assertThat(accepted(tokens, "alertmanager", token)).isFalse();
    }

    @Test
    void theFirstLoadMustSucceed() {
        storeDown.set(true);
        assertThatThrownBy(() -> snapshot("")).isInstanceOf(SQLException.class);
    }

    @Test
    void fromMemoryATokenIsAcceptedOnlyWhenTheLastReadHoldsItAndTheStoreIsNotAsked() throws SQLException {
        String old = issue("alertmanager");
        WebhookTokenSnapshot tokens = snapshot("");
        BearerTokenAuthenticator auth = new BearerTokenAuthenticator(tokens.forSource("alertmanager"));
        String rotated = issue("alertmanager"); // in the store, not yet read
        int loadsBefore = loads.get();
        assertThat(auth.acceptsFromMemory(request("Bearer " + old))).isTrue();
        assertThat(auth.acceptsFromMemory(request("bearer  " + old + " "))).as("scheme case and spaces as authenticate takes them").isTrue();
        assertThat(auth.acceptsFromMemory(request("Bearer " + rotated))).as("only the store can tell: left to authenticate").isFalse();
        assertThat(auth.acceptsFromMemory(request("Basic " + old))).isFalse();
        assertThat(auth.acceptsFromMemory(request("Bearer"))).isFalse();
        assertThat(auth.acceptsFromMemory(new WebhookRequest("alertmanager", Map.of(), new byte[0]))).isFalse();
        assertThat(loads.get()).as("memory only: no reload, even after a miss").isEqualTo(loadsBefore);
        assertThat(accepted(tokens, "alertmanager", rotated)).as("authenticate reads the store after the miss").isTrue();
        assertThat(new BearerTokenAuthenticator(tokens.forSource("cloudevents")).acceptsFromMemory(request("Bearer " + old)))
                .as("another source's token").isFalse();
        tokens.close();
    }

    private static WebhookRequest request(String authorization) {
        return new WebhookRequest("alertmanager", Map.of("Authorization", authorization), new byte[0]);
    }

    @Test
    void tokensAreRecognizableAndCarry256RandomBits() {
        String token = WebhookTokenStore.newToken("alertmanager");
        assertThat(token).matches("igw_wh_alertmanager_[A-Za-z0-9_-]{43}");
        assertThat(WebhookTokenStore.newToken("alertmanager")).isNotEqualTo(token);
        assertThat(TokenDigest.sha256Hex(token)).matches("[0-9a-f]{64}").doesNotContain(token.substring(20));
    }
}
