package dev.incidentgateway.store;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.ApiKeys;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.security.TokenDigest;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.outbox.OutboxStore;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.ViewRebuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code scripts/pg-roles.sql} run by psql as the test server's superuser, then the gateway started with the
 * runtime role and a separate migration credential: the schema belongs to the owner, the gateway does its work
 * as the runtime role, and the runtime role cannot change the event log. Role names are unique per run (roles
 * are cluster-wide and other test classes share the server).
 */
class PostgresLeastPrivilegeIT {
    private static final String OWNER_PASSWORD = "owner-pw";
    private static final String RUNTIME_PASSWORD = "runtime-pw";

    private static PostgresTestDatabase db;
    private static String owner;
    private static String runtime;
    private static String url;
    private static Gateway gateway;

    @BeforeAll
    static void rolesThenGateway() throws Exception {
        db = PostgresTestDatabase.create();
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        String suffix = HexFormat.of().formatHex(b);
        owner = "igw_owner_" + suffix;
        runtime = "igw_app_" + suffix;
        runRolesScript();
        url = db.jdbcUrl().replaceFirst("\\?.*$", ""); // without ?user=: the credentials come from the config
        gateway = Gateway.create(GatewayConfig.load(Map.of(
                "GATEWAY_DB_URL", url, "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_DB_USER", runtime, "GATEWAY_DB_PASSWORD", RUNTIME_PASSWORD,
                "GATEWAY_DB_MIGRATION_USER", owner, "GATEWAY_DB_MIGRATION_PASSWORD", OWNER_PASSWORD), Map.of()));
    }

    @AfterAll
    static void dropEverything() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (db != null) {
            db.close();
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("DROP ROLE IF EXISTS \"" + runtime + "\"");
                st.execute("DROP ROLE IF EXISTS \"" + owner + "\"");
            }
        }
    }

    @Test
    void migrationsRanAsTheOwnerAndThePoolHoldsOnlyTheRuntimeRole() throws Exception {
        try (Connection c = asRuntime(); Statement st = c.createStatement()) {
            ResultSet owners = st.executeQuery("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'gateway'");
            List<String> tableOwners = new ArrayList<>();
            while (owners.next()) {
                tableOwners.add(owners.getString(1));
            }
            assertThat(tableOwners).as("every table of the gateway's schema").containsExactly(owner);
            ResultSet sessions = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + owner + "'");
            sessions.next();
            assertThat(sessions.getInt(1)).as("connections of the migration role left open").isZero();
        }
        assertThat(gateway.dataSource().getUsername()).isEqualTo(runtime);
        assertThat(gateway.dataSource().getPassword()).isEqualTo(RUNTIME_PASSWORD);
    }

    @Test
    void theGatewayAppendsCorrelatesDeliversAndRebuildsAsTheRuntimeRole() throws Exception {
        AppendOutcome declared = gateway.store().append(NewEvent.builder(EventType.DECLARE, "alice").title("Least privilege")
                .severity(Severity.SEV2).correlationKey("test:lp-" + System.nanoTime()).build());
        String incident = declared.incidentId();
        // Resolving deletes the incident's correlation key and upserts its view row.
        gateway.store().append(NewEvent.builder(EventType.RESOLVE, "bob").incident(incident).build());
        assertThat(gateway.store().incident(incident)).get().extracting(i -> i.status().wireName()).isEqualTo("resolved");

        OutboxStore outbox = new OutboxStore(gateway.dataSource());
        long rowId = insertOutboxRow(incident, declared.event().id());
        Instant now = Instant.now();
        List<OutboxItem> claimed = outbox.claimDue("lp-test", 10, now.plusSeconds(1), now.plusSeconds(60));
        assertThat(claimed).extracting(OutboxItem::id).containsExactly(rowId);
        outbox.failed(claimed.get(0), "boom", now, true, true);
        assertThat(outbox.replay(rowId, now)).isTrue();
        assertThat(outbox.skip(rowId, now)).isTrue();
        assertThat(outbox.row(rowId)).get().extracting(r -> r.status()).isEqualTo("skipped");

        assertThat(new ViewRebuilder(gateway.dataSource(), SqlDialect.POSTGRESQL).rebuild()).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPDATE timeline_events SET title = 'rewritten'", "DELETE FROM timeline_events",
            "TRUNCATE timeline_events", "DROP TABLE incidents", "INSERT INTO flyway_schema_history (installed_rank) VALUES (999)",
            "CREATE TABLE sneaky (id int)", "UPDATE api_keys SET scopes = 'admin'", "UPDATE api_keys SET key_hash = 'x'",
            "DELETE FROM credential_marks", "UPDATE credential_marks SET mark = 'x'", "TRUNCATE credential_marks"})
    void theRuntimeRoleIsRefused(String sql) throws Exception {
        try (Connection c = asRuntime(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute(sql)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(e.getMessage()).isEqualTo("42501"));
        }
    }

    /** What the CLI does with the runtime credential (README: give the command line only that one) keeps working. */
    @Test
    void theRuntimeRoleCreatesRevokesAndTouchesApiKeys() throws Exception {
        ApiKeyStore keys = new ApiKeyStore(gateway.dataSource(), CredentialRowMacs.from(ChainKey.generate()));
        keys.create("lp-key", TokenDigest.sha256Hex(ApiKeys.generate()), Set.of(Scope.READ), Instant.now());
        keys.touch("lp-key", Instant.now());
        assertThat(keys.revoke("lp-key", Instant.now())).isTrue();
        assertThat(keys.list()).filteredOn(k -> k.name().equals("lp-key")).singleElement()
                .satisfies(k -> assertThat(k.revokedAt()).isNotNull());
    }

    @Test
    void aTableALaterMigrationCreatesIsUsableByTheRuntimeRoleAndTheLogStaysInsertSelectOnly() throws Exception {
        try (Connection c = DriverManager.getConnection(url, owner, OWNER_PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE later_keys (name varchar(64) PRIMARY KEY, last_used timestamptz)");
        }
        try (Connection c = asRuntime(); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO later_keys (name) VALUES ('k')")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE later_keys SET last_used = now()")).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM later_keys")).isEqualTo(1);
            ResultSet rs = st.executeQuery("SELECT has_table_privilege('timeline_events', 'INSERT'), "
                    + "has_table_privilege('timeline_events', 'SELECT'), has_table_privilege('timeline_events', 'UPDATE'), "
                    + "has_table_privilege('timeline_events', 'DELETE'), has_table_privilege('timeline_events', 'TRUNCATE')");
            rs.next();
            assertThat(List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5)))
                    .containsExactly(true, true, false, false, false);
        }
    }

    private static long insertOutboxRow(String incident, String eventId) throws SQLException {
        try (Connection c = asRuntime(); PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (connector, incident_id, "
                + "event_id, event_seq, status, attempts, next_attempt_at, created_at) VALUES ('lp-test', ?, ?, 1, 'pending', 0, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            Timestamp now = Timestamp.from(Instant.now());
            ps.setString(1, incident);
            ps.setString(2, eventId);
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            ps.executeUpdate();
            ResultSet keys = ps.getGeneratedKeys();
            keys.next();
            return keys.getLong("id");
        }
    }

    private static Connection asRuntime() throws SQLException {
        return DriverManager.getConnection(url, runtime, RUNTIME_PASSWORD);
    }

    private static Connection admin() throws SQLException {
        String password = System.getenv("GATEWAY_TEST_PG_PASSWORD");
        String user = System.getenv("GATEWAY_TEST_PG_USER");
        java.util.Properties p = new java.util.Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        return DriverManager.getConnection(System.getenv("GATEWAY_TEST_PG_URL"), p);
    }

    /**
     * psql -f with the script as the jar prints it ({@code java -jar incident-gateway.jar pg-roles}, which must be
     * scripts/pg-roles.sql unchanged) against the test database, as the superuser of GATEWAY_TEST_PG_URL.
     */
    private static void runRolesScript() throws Exception {
        Path scratch = TempDirs.directory("pg-roles");
        GatewayProcess.Command printed = GatewayProcess.locate().command(scratch, "pg-roles");
        assertThat(printed.exitCode()).as(printed.toString()).isZero();
        assertThat(printed.stdout()).isEqualTo(Files.readString(Path.of("scripts/pg-roles.sql")));
        Path script = Files.writeString(scratch.resolve("pg-roles.sql"), printed.stdout());
        String libpqUrl = db.jdbcUrl().substring("jdbc:".length());
        ProcessBuilder pb = new ProcessBuilder(psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-v", "owner_role=" + owner, "-v", "owner_password=" + OWNER_PASSWORD,
                "-v", "runtime_role=" + runtime, "-v", "runtime_password=" + RUNTIME_PASSWORD,
                "-f", script.toString(), libpqUrl).redirectErrorStream(true);
        if (db.password() != null) {
            pb.environment().put("PGPASSWORD", db.password());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("psql -f scripts/pg-roles.sql:%n%s", out).isZero();
    }

    /** psql from PATH, else the newest /usr/lib/postgresql/<major>/bin/psql (what .ci/run installs). */
    private static String psql() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "psql"))) {
                return Path.of(dir, "psql").toString();
            }
        }
        try (var majors = Files.list(Path.of("/usr/lib/postgresql"))) {
            return majors.map(d -> d.resolve("bin/psql")).filter(Files::isExecutable).map(Path::toString)
                    .max(java.util.Comparator.naturalOrder()).orElseThrow(() -> new AssertionError("psql not found"));
        }
    }
}
