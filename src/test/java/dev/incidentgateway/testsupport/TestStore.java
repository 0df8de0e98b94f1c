package dev.incidentgateway.testsupport;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.config.GatewayConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A fresh, empty store of either kind for one test class: an H2 file in a temp directory, or a new
 * database on the PostgreSQL server of {@code GATEWAY_TEST_PG_URL} (skipped visibly when unset, failed in CI).
 * {@link #config} gives a gateway configuration pointing at it, HTTP on a free port.
 */
public final class TestStore implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL }

    private final Kind kind;
    private final Map<String, String> env = new HashMap<>();
    private final PostgresTestDatabase pg;

    private TestStore(Kind kind, Map<String, String> env, PostgresTestDatabase pg) {
        this.kind = kind;
        this.env.putAll(env);
        this.pg = pg;
    }

    public static TestStore create(Kind kind) {
        if (kind == Kind.POSTGRESQL) {
            return postgres("");
        }
        Path dir = tempDir();
        Map<String, String> env = new HashMap<>(auditFiles(dir));
        env.putAll(Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath(),
                "GATEWAY_DB_USER", "sa", "GATEWAY_DB_PASSWORD", ""));
        return new TestStore(kind, env, null);
    }

    /** A PostgreSQL store in a new database made with these {@code CREATE DATABASE} options (see PostgresTestDatabase). */
    public static TestStore postgres(String createOptions) {
        PostgresTestDatabase db = PostgresTestDatabase.create(createOptions);
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_DB_URL", db.jdbcUrl());
        env.put("GATEWAY_DB_USER", db.user() == null ? "postgres" : db.user());
        env.put("GATEWAY_DB_PASSWORD", db.password() == null ? "" : db.password());
        env.putAll(auditFiles(tempDir()));
        return new TestStore(Kind.POSTGRESQL, env, db);
    }

    /** {@link #create}, the test skipped (visibly) when PostgreSQL is asked for and GATEWAY_TEST_PG_URL is not set. */
    public static TestStore createOrSkip(Kind kind) {
        if (kind == Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        return create(kind);
    }

    private static Path tempDir() {
        try {
            return TempDirs.directory("gateway-store-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keys and checkpoints of the store's gateways in the store's own directory, not in the working directory, and
     * one chain key shared by every gateway on this store, as instances sharing a database must.
     */
    private static Map<String, String> auditFiles(Path dir) {
        byte[] key = new byte[ChainKey.MIN_BYTES];
        new SecureRandom().nextBytes(key);
        return Map.of("GATEWAY_KEYS_DIR", dir.resolve("keys").toString(),
                "GATEWAY_CHECKPOINT_FILE", dir.resolve("checkpoints.jsonl").toString(),
                "GATEWAY_CHAIN_KEY", Base64.getEncoder().encodeToString(key));
    }

    /** The chain key of this store's gateways (GATEWAY_CHAIN_KEY in {@link #env}), for stores built by hand in tests. */
    public ChainKey chainKey() {
        return ChainKey.parse(env.get("GATEWAY_CHAIN_KEY"));
    }

    public Kind kind() {
        return kind;
    }

    /** Environment variables that point a gateway at this store (HTTP on port 0). */
    public Map<String, String> env() {
        Map<String, String> out = new HashMap<>(env);
        out.put("GATEWAY_HTTP_PORT", "0");
        return out;
    }

    public GatewayConfig config() {
        return config(Map.of());
    }

    public GatewayConfig config(Map<String, String> extraEnv) {
        Map<String, String> all = env();
        all.putAll(extraEnv);
        return GatewayConfig.load(all, Map.of());
    }

    @Override
    public void close() {
        if (pg != null) {
            pg.close();
        }
    }
}
