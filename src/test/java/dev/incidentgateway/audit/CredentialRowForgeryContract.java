package dev.incidentgateway.audit;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.cli.ApiKeyCommand;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.VerifyCommand;
import dev.incidentgateway.cli.WebhookTokenCommand;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.ApiKeys;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.security.TokenDigest;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.OlderSchema;
import dev.incidentgateway.testsupport.TableCells;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security review: whoever can write the database but does not hold the chain key (a database admin, the runtime role)
 * could turn a read-only key into an admin key with a known secret, bring a revoked key back, or set a webhook token,
 * and the gateway signed what came in under it. Each credential row now carries a MAC under a key derived from the
 * chain key: such a row opens nothing (401, one ERROR naming it) and {@code verify} reports it. Rows from before row
 * MACs are sealed by the process that applies the upgrade to them, and never again; a row without a MAC is refused.
 */
abstract class CredentialRowForgeryContract {
    private static final String ALERT = "/webhooks/alertmanager";

    private TestStore store;

    abstract TestStore.Kind kind();

    @BeforeEach
    void store() {
        store = TestStore.createOrSkip(kind());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void keyAndTokenRowsRewrittenInTheDatabaseOpenNothingAndVerifyReportsThem() throws Exception {
        GatewayConfig config = store.config();
        String admin = TestApiKeys.create(config, "admin", Set.of(Scope.ADMIN));
        String reader = TestApiKeys.create(config, "reader", Set.of(Scope.READ));
        String gone = TestApiKeys.create(config, "gone", Set.of(Scope.WRITE));
        String forgedKey = ApiKeys.PREFIX + "forged-by-the-database-admin-0123456789abcdef";
        String forgedToken = "igw_wh_alertmanager_forged-by-the-database-admin-0123456789";
        String token;
        String untouched;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            CredentialRowMacs macs = CredentialRowMacs.from(store.chainKey());
            token = new WebhookTokenStore(ds, macs).rotate("alertmanager");
            untouched = new WebhookTokenStore(ds, macs).rotate("grafana");
            String goneMacBefore = cell(ds, "SELECT row_mac FROM api_keys WHERE name = 'gone'");
            assertThat(TestApiKeys.store(config, ds).revoke("gone", java.time.Instant.now())).isTrue();
            // The admin's edits, with the gateway stopped: a revoked key copied back with its older (valid) MAC, a
            // read-only key made admin with a secret the admin knows, a webhook token of the admin's.
            update(ds, "UPDATE api_keys SET revoked_at = NULL, row_mac = ? WHERE name = 'gone'", goneMacBefore);
            update(ds, "UPDATE api_keys SET key_hash = ?, scopes = 'admin', revoked_at = NULL WHERE name = 'reader'",
                    TokenDigest.sha256Hex(forgedKey));
            update(ds, "UPDATE webhook_tokens SET token_hash = ? WHERE source = 'alertmanager'", TokenDigest.sha256Hex(forgedToken));
        }
        try (CapturedLogs logs = CapturedLogs.root()) {
            Gateway gateway = Gateway.create(config).start();
            try {
                HttpApi http = new HttpApi(gateway.port());
                assertThat(http.withBearer(forgedKey).postJson("/api/v1/incidents/INC-1/events",
                        HttpApi.obj("type", "resolve", "actor", "x")).status()).isEqualTo(401);
                assertThat(http.withBearer(forgedKey).get("/api/v1/incidents").status()).as("asked twice, logged once").isEqualTo(401);
                assertThat(http.withBearer(reader).get("/api/v1/incidents").status()).isEqualTo(401);
                assertThat(http.withBearer(gone).get("/api/v1/incidents").status()).as("revoked stays revoked").isEqualTo(401);
                assertThat(http.withBearer(admin).get("/api/v1/incidents").status()).isEqualTo(200);
                String alert = Files.readString(Path.of("src/test/resources/fixtures/alertmanager-firing.json"));
                assertThat(http.post("/webhooks/grafana", "application/json", alert, "Authorization", "Bearer " + untouched).status())
                        .as("a token whose row verifies is taken").isNotEqualTo(401);
                assertThat(http.post(ALERT, "application/json", alert, "Authorization", "Bearer " + forgedToken).status()).isEqualTo(401);
                assertThat(http.post(ALERT, "application/json", alert, "Authorization", "Bearer " + token).status())
                        .as("the source's row no longer verifies: it refuses every token until rotated").isEqualTo(401);
            } finally {
                gateway.close();
            }
            List<String> errors = logs.lines(e -> e.getLevel() == Level.ERROR);
            assertThat(errors).filteredOn(l -> l.contains("'reader'")).hasSize(1);
            assertThat(errors).filteredOn(l -> l.contains("'gone'")).hasSize(1);
            assertThat(errors).filteredOn(l -> l.contains("'alertmanager'")).hasSize(1);
            assertThat(String.join("\n", logs.lines(e -> true))).doesNotContain(forgedKey, forgedToken, TokenDigest.sha256Hex(forgedKey));
        }
        String verified = verify(config, 1);
        assertThat(verified).contains(
                "BROKEN: api_keys row 'reader' does not match its MAC (changed outside the gateway): the gateway refuses this key",
                "BROKEN: api_keys row 'gone' was revoked, but an older, unrevoked state of the row was copied back",
                "BROKEN: webhook_tokens row 'alertmanager' does not match its MAC (changed outside the gateway): the gateway "
                        + "refuses this source's token").doesNotContain("row 'admin'");
    }

    /**
     * Security review: rows without a MAC were taken while the mark 'legacy-rows-sealed' was missing, and the next start
     * or {@code api-key revoke} added it and sealed them; the owner of the database deleted the mark and planted a key.
     * Now only the process that applies the upgrade to row MACs seals, and a row without a MAC is refused whatever
     * credential_marks says: at a reload of a running gateway, after a revoke and after a start.
     */
    @Test
    void rowsFromBeforeRowMacsAreSealedByTheUpgradeAloneAndARowWithoutAMacIsRefusedWhateverTheMarksSay() throws Exception {
        GatewayConfig config = store.config();
        String oldKey = ApiKeys.generate();
        String sneakyKey = ApiKeys.generate();
        OlderSchema.migrate(config, OlderSchema.BEFORE_ROW_MACS);
        try (HikariDataSource ds = StoreFactory.open(config)) { // as the older version left them: no MAC
            update(ds, "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ('old', ?, 'read', ?)",
                    TokenDigest.sha256Hex(oldKey), OffsetDateTime.now());
            update(ds, "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ('other', ?, 'read', ?)",
                    TokenDigest.sha256Hex(ApiKeys.generate()), OffsetDateTime.now());
            update(ds, "INSERT INTO webhook_tokens (source, token_hash, created_at) VALUES ('old-source', ?, ?)",
                    TokenDigest.sha256Hex("old-token"), OffsetDateTime.now());
        }
        Gateway gateway = Gateway.create(config).start(); // the upgrade: seals them
        try {
            HttpApi http = new HttpApi(gateway.port());
            assertThat(http.withBearer(oldKey).get("/api/v1/incidents").status()).isEqualTo(200);
            assertThat(cell(gateway.dataSource(), "SELECT row_mac FROM webhook_tokens WHERE source = 'old-source'")).as("sealed").isNotNull();
            // The owner's edit while the gateway runs: every mark gone (the previous version's 'legacy-rows-sealed' too),
            // a key and a token without a MAC.
            try (CapturedLogs logs = CapturedLogs.root()) {
                try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement()) {
                    st.executeUpdate("DELETE FROM credential_marks");
                }
                update(gateway.dataSource(), "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ('sneaky', ?, 'admin', ?)",
                        TokenDigest.sha256Hex(sneakyKey), OffsetDateTime.now());
                update(gateway.dataSource(), "INSERT INTO webhook_tokens (source, token_hash, created_at) VALUES ('sneaky-source', ?, ?)",
                        TokenDigest.sha256Hex("sneaky-token"), OffsetDateTime.now());
                // Until a reload of the key snapshot (every 2 s) has read the edit: it names the planted key as it leaves it
                // out. Waiting for that line, not a fixed 3 s: a gateway that took the row would never write it.
                awaitRefusalLogged(logs, "'sneaky'", "api_keys");
            }
            assertThat(http.withBearer(sneakyKey).get("/api/v1/incidents").status()).isEqualTo(401);
            assertThat(http.withBearer(oldKey).get("/api/v1/incidents").status()).isEqualTo(200);
        } finally {
            gateway.close();
        }
        assertThat(run(config, new ApiKeyCommand(), List.of("revoke", "other"), 0)).doesNotContain("sneaky");
        gateway = Gateway.create(config).start();
        try {
            assertThat(new HttpApi(gateway.port(), sneakyKey).get("/api/v1/incidents").status()).as("not sealed by the start").isEqualTo(401);
            assertThat(new HttpApi(gateway.port(), oldKey).get("/api/v1/incidents").status()).isEqualTo(200);
        } finally {
            gateway.close();
        }
        try (HikariDataSource ds = StoreFactory.open(config)) {
            assertThat(cell(ds, "SELECT COUNT(*) FROM api_keys WHERE row_mac IS NULL")).as("nor by the revoke").isEqualTo("1");
        }
        assertThat(verify(config, 1)).contains(
                "BROKEN: api_keys row 'sneaky' has no MAC (written outside the gateway",
                "BROKEN: webhook_tokens row 'sneaky-source' has no MAC").doesNotContain("row 'old'", "row 'old-source'", "row 'other'");
    }

    /**
     * The upgrade reads the chain key before the migration that brings row MACs: started without the store's key it
     * stops (a configuration error naming the key) before that migration, so the next start, with the key, still is the
     * upgrade and seals the older rows.
     */
    @Test
    void anUpgradeWithoutTheStoresChainKeyChangesNothingAndTheNextOneSeals() throws Exception {
        GatewayConfig config = store.config();
        String oldKey = ApiKeys.generate();
        OlderSchema.migrate(config, OlderSchema.BEFORE_ROW_MACS);
        try (HikariDataSource ds = StoreFactory.open(config)) {
            ChainKeys.forGateway(config, ds); // recorded by a start of the older version
            update(ds, "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ('old', ?, 'read', ?)",
                    TokenDigest.sha256Hex(oldKey), OffsetDateTime.now());
        }
        GatewayConfig otherKey = store.config(java.util.Map.of("GATEWAY_CHAIN_KEY", ChainKey.generate().encoded()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gateway.create(otherKey).close())
                .isInstanceOf(dev.incidentgateway.config.ConfigException.class).hasMessageContaining("GATEWAY_CHAIN_KEY");
        try (HikariDataSource ds = StoreFactory.open(config)) {
            assertThat(cell(ds, "SELECT MAX(\"installed_rank\") FROM \"flyway_schema_history\" WHERE \"version\" = '"
                    + OlderSchema.BEFORE_ROW_MACS + "'")).as("still schema 14")
                    .isEqualTo(cell(ds, "SELECT MAX(\"installed_rank\") FROM \"flyway_schema_history\" WHERE \"success\""));
        }
        Gateway gateway = Gateway.create(config).start();
        try {
            assertThat(new HttpApi(gateway.port(), oldKey).get("/api/v1/incidents").status()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    /**
     * Security review: whoever may insert into gateway_secrets (the runtime role) deleted the token rows and put a
     * plain-text token there; the next start adopted it as every gateway-token source's token, with valid MACs.
     */
    @Test
    void aPlainTextWebhookTokenWrittenAfterTheUpgradeIsNeverAdopted() throws Exception {
        GatewayConfig config = store.config();
        String alert = Files.readString(Path.of("src/test/resources/fixtures/alertmanager-firing.json"));
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            new WebhookTokenStore(ds, CredentialRowMacs.from(store.chainKey())).rotate("alertmanager");
            update(ds, "DELETE FROM webhook_tokens WHERE source = 'alertmanager'");
            update(ds, "INSERT INTO gateway_secrets (name, secret, created_at) VALUES ('webhook-token', 'attacker-token', ?)",
                    OffsetDateTime.now());
        }
        try (CapturedLogs logs = CapturedLogs.root()) {
            Gateway gateway = Gateway.create(config).start();
            try {
                assertThat(new HttpApi(gateway.port()).post(ALERT, "application/json", alert, "Authorization", "Bearer attacker-token")
                        .status()).isEqualTo(401);
            } finally {
                gateway.close();
            }
            assertThat(logs.lines(e -> e.getLevel() == Level.ERROR)).anyMatch(l -> l.contains("plain-text webhook token"));
        }
        try (HikariDataSource ds = StoreFactory.open(config)) { // once more, for the webhook-token command
            update(ds, "INSERT INTO gateway_secrets (name, secret, created_at) VALUES ('webhook-token', 'attacker-token', ?)",
                    OffsetDateTime.now());
        }
        assertThat(run(config, new WebhookTokenCommand(), List.of(), 0)).contains("no token yet");
        Gateway gateway = Gateway.create(config).start();
        try {
            assertThat(new HttpApi(gateway.port()).post(ALERT, "application/json", alert, "Authorization", "Bearer attacker-token")
                    .status()).isEqualTo(401);
            assertThat(cell(gateway.dataSource(), "SELECT COUNT(*) FROM webhook_tokens")).isEqualTo("0");
        } finally {
            gateway.close();
        }
        assertThat(verify(config, 0)).startsWith("OK");
    }

    /**
     * Security review: the owner of the database deleted a key's revocation mark and copied back the row as it was
     * before the revocation, with its valid MAC, and the key worked again. Nothing left in the database tells that row
     * from a key never revoked; a gateway that saw the revocation refuses it (README, threat model).
     */
    @Test
    void aRevokedKeyWhoseMarkIsDeletedAndWhoseOlderRowIsCopiedBackStaysRefusedByARunningGateway() throws Exception {
        GatewayConfig config = store.config();
        String gone = TestApiKeys.create(config, "gone", Set.of(Scope.READ));
        try (CapturedLogs logs = CapturedLogs.root()) {
            Gateway gateway = Gateway.create(config).start();
            try {
                HttpApi http = new HttpApi(gateway.port(), gone);
                assertThat(http.get("/api/v1/incidents").status()).isEqualTo(200);
                String before = cell(gateway.dataSource(), "SELECT row_mac FROM api_keys WHERE name = 'gone'");
                assertThat(TestApiKeys.store(config, gateway.dataSource()).revoke("gone", java.time.Instant.now())).isTrue();
                // The gateway reloads its keys (every 2 s) and sees the revocation: as soon as it refuses the key.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
                        .until(() -> http.get("/api/v1/incidents").status() == 401);
                update(gateway.dataSource(), "DELETE FROM credential_marks WHERE mark = 'revoked-api-key:gone'");
                update(gateway.dataSource(), "UPDATE api_keys SET revoked_at = NULL, row_mac = ? WHERE name = 'gone'", before);
                // Until a reload of the key snapshot (every 2 s) has read the copied-back row, which it names as it leaves it
                // out. Waiting for that line, not a fixed 3 s: a gateway that took the row again would never write it.
                awaitRefusalLogged(logs, "'gone'", "revocation mark in credential_marks was deleted");
                assertThat(http.get("/api/v1/incidents").status()).isEqualTo(401);
            } finally {
                gateway.close();
            }
            assertThat(logs.lines(e -> e.getLevel() == Level.ERROR)).filteredOn(l -> l.contains("'gone'"))
                    .anyMatch(l -> l.contains("revocation mark in credential_marks was deleted"));
        }
    }

    /** Waits (at most 30 s) until an ERROR line containing both {@code key} and {@code why} was logged. */
    private static void awaitRefusalLogged(CapturedLogs logs, String key, String why) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> logs.lines(e -> e.getLevel() == Level.ERROR).stream().anyMatch(l -> l.contains(key) && l.contains(why)));
    }

    private static String run(GatewayConfig config, StoreCommand command, List<String> args, int expectedExit) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            int exit = command.run(new StoreCommand.Context(ds, config, SqlDialect.forUrl(config.get(StoreSettings.DB_URL))),
                    args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String verify(GatewayConfig config, int expectedExit) throws Exception {
        return run(config, new VerifyCommand(), List.of(), expectedExit);
    }

    private static void update(HikariDataSource ds, String sql, Object... params) throws Exception {
        TableCells.updateOne(ds, sql, params);
    }

    private static String cell(HikariDataSource ds, String sql) throws Exception {
        return TableCells.cell(ds, sql);
    }
}
