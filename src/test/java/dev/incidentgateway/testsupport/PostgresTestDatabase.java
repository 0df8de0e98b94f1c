package dev.incidentgateway.testsupport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, uniquely named PostgreSQL database on the server given by {@code GATEWAY_TEST_PG_URL}
 * (printed by {@code scripts/pg-test-cluster.sh start}; {@code .ci/run} sets it in CI).
 *
 * <p>Why: one new database per test class keeps PostgreSQL tests independent of each other and of
 * leftovers from earlier runs, while sharing one cheap server. Typical use: {@code db = create()} in
 * {@code @BeforeAll}, {@code db.close()} (drops it) in {@code @AfterAll}. Without the variable the
 * tests are reported as skipped, and in CI ({@code CI=true}) they fail instead.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    private static final String URL_ENV = "GATEWAY_TEST_PG_URL";
    private static final String PREFIX = "jdbc:postgresql://";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String adminUrl;
    private final String name;
    private final String jdbcUrl;
    private boolean dropped;

    private PostgresTestDatabase(String adminUrl, String name) {
        this.adminUrl = adminUrl;
        this.name = name;
        // Swap the database in the URL path (or add one), keeping host list and query string.
        String rest = adminUrl.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q);
        String hostPart = q < 0 ? rest : rest.substring(0, q);
        int slash = hostPart.indexOf('/');
        this.jdbcUrl = PREFIX + (slash < 0 ? hostPart : hostPart.substring(0, slash)) + "/" + name + query;
    }

    public static boolean available() {
        String url = System.getenv(URL_ENV);
        return url != null && !url.isBlank();
    }

    /** Skips the calling test (or fails it in CI) when no PostgreSQL server is configured. */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("GATEWAY_TEST_PG_URL must be set in CI (.ci/run starts PostgreSQL)");
        }
        Assumptions.assumeTrue(false,
                "PostgreSQL tests skipped: set GATEWAY_TEST_PG_URL (bash scripts/pg-test-cluster.sh start prints one)");
    }

    /** Creates a new empty database {@code gw_<random hex>}; call {@link #close()} to drop it. */
    public static PostgresTestDatabase create() {
        return create("");
    }

    /**
     * As {@link #create()}, with options appended to its {@code CREATE DATABASE} (e.g. {@code TEMPLATE template0
     * LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'}: a language collation without the OS locale installed).
     */
    public static PostgresTestDatabase create(String createOptions) {
        assumeAvailable();
        String url = System.getenv(URL_ENV).trim();
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException(URL_ENV + " must look like " + PREFIX + "host:port/db?user=..., got: " + url);
        }
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        PostgresTestDatabase db = new PostgresTestDatabase(url, "gw_" + HexFormat.of().formatHex(bytes));
        db.admin("CREATE DATABASE \"" + db.name + "\" " + createOptions);
        return db;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user/password as pgjdbc resolves them: URL query string first, then the env variables; may be null. */
    public String user() {
        return setting("user", "GATEWAY_TEST_PG_USER");
    }

    public String password() {
        return setting("password", "GATEWAY_TEST_PG_PASSWORD");
    }

    /** Drops the database, disconnecting any sessions a test left open. Idempotent. */
    @Override
    public void close() {
        if (!dropped) {
            admin("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            dropped = true;
        }
    }

    // CREATE/DROP DATABASE run over a short-lived connection to the database named in GATEWAY_TEST_PG_URL.
    private void admin(String sql) {
        Properties props = new Properties();
        String user = System.getenv("GATEWAY_TEST_PG_USER");
        String password = System.getenv("GATEWAY_TEST_PG_PASSWORD");
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(adminUrl, props); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test database: '" + sql + "' failed on " + URL_ENV, e);
        }
    }

    private String setting(String param, String envName) {
        int q = jdbcUrl.indexOf('?');
        if (q >= 0) {
            for (String pair : jdbcUrl.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(param)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return System.getenv(envName);
    }
}
