package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.testsupport.OlderSchema;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's schema version against this jar's migrations, through the command line as an operator runs it: a store a
 * newer gateway upgraded is refused by the start and every store command (exit 3, one line naming both versions), and
 * the commands that only read neither create nor upgrade a store; {@code api-key create} still does both.
 */
abstract class StoreSchemaVersionContract {
    static final String NEWER = "this store was upgraded by a newer gateway (schema 99 > ";

    TestStore testStore;

    abstract TestStore.Kind kind();

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void create() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind());
    }

    @AfterEach
    void drop() {
        if (testStore != null) {
            testStore.close();
        }
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = GatewayMain.run(args, () -> testStore.config(env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    /** Flyway as the gateway configures it, up to {@code target} ("latest" for all). */
    Flyway flyway(String target) {
        return OlderSchema.flyway(testStore.config(), target);
    }

    Connection connect() throws SQLException {
        GatewayConfig config = testStore.config();
        return DriverManager.getConnection(config.get(StoreSettings.DB_URL), config.get(StoreSettings.DB_USER), config.get(StoreSettings.DB_PASSWORD));
    }

    String schemaVersion() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" ORDER BY \"installed_rank\" DESC")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aStoreANewerGatewayUpgradedIsRefusedByTheStartAndEveryStoreCommand() throws Exception {
        assertThat(run("api-key", "create", "--name", "first", "--scopes", "admin").exit()).isZero();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", "
                    + "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") "
                    + "VALUES (999, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 1, 'newer', 1, TRUE)");
        }
        // The start, a command that only reads and one that creates (the others open the store the same two ways).
        for (List<String> command : List.of(List.<String>of(), List.of("verify"), List.of("api-key", "list"),
                List.of("api-key", "create", "--name", "second", "--scopes", "read"))) {
            // Bounded: a start that is not refused would run until stopped.
            Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(90),
                    () -> run(command.toArray(String[]::new)), command + " was not refused");
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(3);
            assertThat(r.err()).as(command.toString()).contains(NEWER).contains("run that version or restore a backup")
                    .doesNotContain("\tat ");
            assertThat(r.err().strip().lines()).as(command + ": one line").hasSize(1);
        }
        assertThat(schemaVersion()).isEqualTo("99");
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM api_keys")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing was written").isEqualTo(1);
        }
    }

    @Test
    void commandsThatOnlyReadDoNotUpgradeAnOlderSchemaButApiKeyCreateDoes() throws Exception {
        flyway("9").migrate();
        for (List<String> command : List.of(List.of("verify"), List.of("api-key", "list"), List.of("api-key", "revoke", "x"),
                List.of("rebuild-views"))) {
            Result r = run(command.toArray(String[]::new));
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(3);
            assertThat(r.err()).as(command.toString()).containsPattern("has schema 9, this gateway's is [0-9.]+: start this version of "
                    + "the gateway once to upgrade it");
            assertThat(schemaVersion()).as(command + " upgraded nothing").isEqualTo("9");
        }
        try (Connection c = connect(); Statement st = c.createStatement()) { // a key of that version: no row MAC yet
            st.executeUpdate("INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ('from-schema-9', "
                    + "'" + "ab".repeat(32) + "', 'read', CURRENT_TIMESTAMP)");
        }
        Result created = run("api-key", "create", "--name", "before-the-cut-over", "--scopes", "admin");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(schemaVersion()).isNotEqualTo("9");
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM api_keys WHERE row_mac IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the upgrade to row MACs, run by api-key create, sealed the older key").isZero();
        }
        Result verified = run("verify");
        assertThat(verified.exit()).as(verified.toString()).isZero();
    }
}
