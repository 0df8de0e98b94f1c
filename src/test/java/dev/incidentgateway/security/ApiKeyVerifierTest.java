package dev.incidentgateway.security;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** API keys against a real (H2) store: the snapshot sees creates and revokes without a restart; last use is recorded. */
class ApiKeyVerifierTest {

    @Test
    void keysCreatedAndRevokedLaterTakeEffectAndUseIsRecorded() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            ApiKeyStore store = TestApiKeys.store(testStore.config(), ds);
            String early = TestApiKeys.create(store, "early", Set.of(Scope.READ, Scope.WRITE));
            try (ApiKeyVerifier verifier = new ApiKeyVerifier(store, Clock.systemUTC(), Duration.ofMillis(100), Duration.ofMinutes(1))) {
                assertThat(verifier.verify(early)).isEqualTo(Principal.apiKey("early", Set.of(Scope.READ, Scope.WRITE)));
                assertThatThrownBy(() -> verifier.verify(early + "x")).isInstanceOf(InvalidCredentialException.class);
                assertThatThrownBy(() -> verifier.verify("not-a-key")).isInstanceOf(InvalidCredentialException.class)
                        .hasMessage("not an API key");

                String late = TestApiKeys.create(store, "late", Set.of(Scope.METRICS));
                // Until the verifier's next reload the new key is unknown, which verify() answers by throwing: keep waiting.
                await().atMost(Duration.ofSeconds(10)).ignoreException(InvalidCredentialException.class).untilAsserted(() ->
                        assertThat(verifier.verify(late).name()).isEqualTo("key:late"));

                assertThat(store.revoke("early", Instant.now())).isTrue();
                assertThat(store.revoke("early", Instant.now())).as("already revoked").isFalse();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThatThrownBy(() -> verifier.verify(early)).isInstanceOf(InvalidCredentialException.class));

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.list())
                        .filteredOn(k -> k.name().equals("late")).singleElement()
                        .satisfies(k -> assertThat(k.lastUsedAt()).isNotNull()));
            }
            assertThatThrownBy(() -> store.create("late", TokenDigest.sha256Hex(ApiKeys.generate()), Set.of(Scope.READ), Instant.now()))
                    .isInstanceOf(ApiKeyStore.NameTakenException.class);
            assertThatThrownBy(() -> store.create("early", TokenDigest.sha256Hex(ApiKeys.generate()), Set.of(Scope.READ), Instant.now()))
                    .as("a revoked name is not reused").isInstanceOf(ApiKeyStore.NameTakenException.class);
        }
    }

    @Test
    void fromMemoryAKeyIsKnownOnlyOnceTheSnapshotHoldsItAndNothingIsRecorded() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            ApiKeyStore store = TestApiKeys.store(testStore.config(), ds);
            String early = TestApiKeys.create(store, "early", Set.of(Scope.READ));
            try (ApiKeyVerifier verifier = new ApiKeyVerifier(store, Clock.systemUTC(), Duration.ofHours(1), Duration.ofMillis(1))) {
                assertThat(verifier.fromMemory(early)).contains(Principal.apiKey("early", Set.of(Scope.READ)));
                String late = TestApiKeys.create(store, "late", Set.of(Scope.WRITE));
                assertThat(verifier.fromMemory(late)).as("in the store, not in memory: left to verify").isEmpty();
                assertThat(verifier.fromMemory(late)).as("a miss here reads nothing, so it stays unknown").isEmpty();
                assertThat(verifier.fromMemory("not-a-key")).isEmpty();
                assertThat(verifier.verify(late).name()).isEqualTo("key:late");
                assertThat(verifier.fromMemory(late)).contains(Principal.apiKey("late", Set.of(Scope.WRITE)));
            }
            assertThat(store.list()).filteredOn(k -> k.name().equals("early")).singleElement()
                    .satisfies(k -> assertThat(k.lastUsedAt()).as("fromMemory records no use").isNull());
        }
    }

    @Test
    void aKeyCreatedAfterTheStartWorksAtItsFirstUseWithoutWaitingForTheReload() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            ApiKeyStore store = TestApiKeys.store(testStore.config(), ds);
            try (ApiKeyVerifier verifier = new ApiKeyVerifier(store, Clock.systemUTC(), Duration.ofHours(1), Duration.ofMinutes(1))) {
                String created = TestApiKeys.create(store, "created-later", Set.of(Scope.READ));
                assertThat(verifier.verify(created)).isEqualTo(Principal.apiKey("created-later", Set.of(Scope.READ)));

                String other = TestApiKeys.create(store, "revoked-later", Set.of(Scope.WRITE));
                Thread.sleep(StoreSnapshot.MISS_RELOAD_INTERVAL.toMillis() + 50);
                assertThat(verifier.verify(other).name()).isEqualTo("key:revoked-later");
                assertThat(store.revoke("revoked-later", Instant.now())).isTrue();
                assertThat(verifier.verify(other).name()).as("a known key never waits on the store: revoked at the next reload")
                        .isEqualTo("key:revoked-later");
                assertThat(verifier.refreshNow(Duration.ofSeconds(5))).isTrue();
                assertThatThrownBy(() -> verifier.verify(other)).isInstanceOf(InvalidCredentialException.class);
            }
        }
    }

    @Test
    void keysHaveThePrefixAnd256BitsAndOnlyValidNamesPass() {
        String key = ApiKeys.generate();
        assertThat(key).startsWith("igw_").hasSize(4 + 43).matches("igw_[A-Za-z0-9_-]{43}");
        assertThat(ApiKeys.generate()).isNotEqualTo(key);
        assertThat(TokenDigest.sha256Hex(key)).hasSize(64).doesNotContain(key.substring(4));
        assertThat(ApiKeys.checkName("prometheus.prod_1-a")).isEqualTo("prometheus.prod_1-a");
        for (String bad : new String[]{"", "Upper", "with space", "a/b", "x".repeat(65)}) {
            assertThatThrownBy(() -> ApiKeys.checkName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
