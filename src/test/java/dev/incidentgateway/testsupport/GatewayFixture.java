package dev.incidentgateway.testsupport;

import dev.incidentgateway.Gateway;

import java.util.Map;

/**
 * One in-process gateway on one fresh {@link TestStore} for a test class ({@code @TestInstance(PER_CLASS)}):
 * {@link #start} in {@code @BeforeAll}, {@link #assumeStore} in {@code @BeforeEach}, {@link #close} in
 * {@code @AfterAll}.
 *
 * <p>Without a PostgreSQL server ({@code GATEWAY_TEST_PG_URL} unset) {@link #start} returns {@code null} for
 * {@link TestStore.Kind#POSTGRESQL} instead of failing {@code @BeforeAll}: an assumption failing there shows as
 * "Tests run: 0, Skipped: 0", which hides that nothing ran. {@link #assumeStore} then reports each test skipped
 * (failed in CI).
 */
public final class GatewayFixture implements AutoCloseable {
    private final TestStore store;
    private final Gateway gateway;
    private final HttpApi http;
    private final String adminKey;

    private GatewayFixture(TestStore store, Gateway gateway, String adminKey) {
        this.store = store;
        this.gateway = gateway;
        this.adminKey = adminKey;
        this.http = new HttpApi(gateway.port(), adminKey);
    }

    /** False when this kind of store is not configured here (PostgreSQL without GATEWAY_TEST_PG_URL). */
    public static boolean available(TestStore.Kind kind) {
        return kind != TestStore.Kind.POSTGRESQL || PostgresTestDatabase.available();
    }

    /** Skips the calling test (fails it in CI) when this kind of store is not configured here. */
    public static void assumeStore(TestStore.Kind kind) {
        if (kind == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
    }

    /**
     * A new store of {@code kind} and a started gateway on it, configured by the store's variables plus
     * {@code extraEnv}, with an {@code admin} API key created in the store first (sent by {@link #http});
     * {@code null} when {@link #available} says no.
     */
    public static GatewayFixture start(TestStore.Kind kind, Map<String, String> extraEnv) throws Exception {
        if (!available(kind)) {
            return null;
        }
        TestStore store = TestStore.create(kind);
        try {
            String adminKey = TestApiKeys.admin(store.config(extraEnv));
            return new GatewayFixture(store, Gateway.create(store.config(extraEnv)).start(), adminKey);
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    public TestStore store() {
        return store;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** A client for the gateway's HTTP port that sends the fixture's {@code admin} key. */
    public HttpApi http() {
        return http;
    }

    /** The {@code admin} API key the fixture created (key name {@code test-admin}). */
    public String adminKey() {
        return adminKey;
    }

    /** Stops the gateway, then drops the store (also when stopping failed). */
    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            store.close();
        }
    }
}
