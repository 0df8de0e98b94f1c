package dev.incidentgateway.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.CredentialRowSeal;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.TokenDigest;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.store.StoreTimeouts;
import dev.incidentgateway.testsupport.OlderSchema;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TableCells;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code webhook-token} on each kind of store, run as the CLI runs it (on a {@link StoreCommand.Context}):
 * rotation prints the token alone and stores only its hash, refusals name why, the status never shows a
 * token, {@code GATEWAY_WEBHOOK_TOKEN} is printed as before, and the plain-text token of earlier versions is
 * upgraded by the upgrade to row MACs, never later.
 */
abstract class WebhookTokenCommandContract {
    private static final String TOKEN_PATTERN = "igw_wh_%s_[A-Za-z0-9_-]{43}";

    TestStore testStore;
    HikariDataSource dataSource;

    abstract TestStore.Kind kind();

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void open() {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind());
        dataSource = StoreFactory.openAndMigrate(testStore.config());
    }

    @AfterEach
    void close() {
        if (dataSource != null) {
            dataSource.close();
            testStore.close();
        }
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        GatewayConfig config = testStore.config(env);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new WebhookTokenCommand().run(new StoreCommand.Context(dataSource, config, SqlDialect.forUrl(
                config.get(StoreSettings.DB_URL))), List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    String rotate(String source) throws Exception {
        Result r = run("--source", source, "--rotate");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as("only the token on stdout, for TOKEN=$(... --rotate); %s", r).hasSize(1);
        assertThat(lines.get(0)).matches(TOKEN_PATTERN.formatted(source));
        assertThat(r.err()).doesNotContain(lines.get(0));
        return lines.get(0);
    }

    /** The 43 random characters after {@code igw_wh_<source>_} (base64url: they may hold '_' themselves). */
    static String secretPart(String token) {
        return token.substring(token.length() - 43);
    }

    List<String> cells(String table) throws Exception {
        return TableCells.of(dataSource, table);
    }

    Map<String, String> hashes() throws Exception {
        return hashes(dataSource);
    }

    static Map<String, String> hashes(HikariDataSource ds) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT source, token_hash FROM webhook_tokens");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void rotatePrintsANewTokenOnceAndTheStoreKeepsOnlyItsHash() throws Exception {
        String first = rotate("alertmanager");
        assertThat(hashes()).containsExactly(Map.entry("alertmanager", TokenDigest.sha256Hex(first)));
        String second = rotate("alertmanager");
        assertThat(second).isNotEqualTo(first);
        assertThat(hashes()).as("the previous token is replaced, not kept")
                .containsExactly(Map.entry("alertmanager", TokenDigest.sha256Hex(second)));
        for (String table : List.of("webhook_tokens", "gateway_secrets")) {
            assertThat(cells(table)).as(table).noneMatch(v -> v.contains(secretPart(first)) || v.contains(secretPart(second)));
        }
        rotate("cloudevents");
        assertThat(hashes()).containsOnlyKeys("alertmanager", "cloudevents")
                .containsEntry("alertmanager", TokenDigest.sha256Hex(second));
    }

    @Test
    void sourcesThatTakeNoManagedTokenAreRefusedWithExit2NamingWhy() throws Exception {
        Result unknown = run("--source", "nosuch", "--rotate");
        assertThat(unknown.exit()).isEqualTo(StoreCommand.USAGE);
        assertThat(unknown.err()).contains("no webhook source 'nosuch'");
        Result ownSecret = run("--source", "datadog", "--rotate");
        assertThat(ownSecret.exit()).isEqualTo(StoreCommand.USAGE);
        assertThat(ownSecret.err()).contains("DATADOG_WEBHOOK_TOKEN");
        Result hmac = run("--source", "pagerduty", "--rotate");
        assertThat(hmac.exit()).isEqualTo(StoreCommand.USAGE);
        assertThat(hmac.err()).contains("hmac-sha256-hex");
        Result noSource = run("--rotate");
        assertThat(noSource.exit()).isEqualTo(StoreCommand.USAGE);
        assertThat(noSource.err()).contains("--source");
        assertThat(run("--bogus").exit()).isEqualTo(StoreCommand.USAGE);
        Result noName = run("--source");
        assertThat(noName.exit()).isEqualTo(StoreCommand.USAGE);
        assertThat(noName.err()).contains("--source needs a NAME");
        for (Result r : List.of(unknown, ownSecret, hmac, noSource)) {
            assertThat(r.out()).as("nothing a script could take for a token").isEmpty();
        }
        assertThat(hashes()).isEmpty();
    }

    @Test
    void withoutSourceItSaysWhichSourcesHaveATokenAndNeverShowsOne() throws Exception {
        Result before = run();
        assertThat(before.exit()).isZero();
        assertThat(before.out()).contains("alertmanager", "grafana", "cloudevents", "no token yet", "--rotate")
                .doesNotContain("datadog").doesNotContain("pagerduty");
        String token = rotate("alertmanager");
        Result after = run();
        assertThat(after.exit()).isZero();
        assertThat(after.out()).containsPattern("alertmanager +token issued").containsPattern("grafana +no token yet")
                .doesNotContain(secretPart(token));
        Result one = run("--source", "grafana");
        assertThat(one.exit()).isZero();
        assertThat(one.out()).contains("grafana").contains("no token yet").doesNotContain("alertmanager ");
    }

    @Test
    void withGatewayWebhookTokenSetItPrintsThatTokenAsBefore() throws Exception {
        Result r = run(Map.of("GATEWAY_WEBHOOK_TOKEN", "shared-env-token"));
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("shared-env-token");
        assertThat(hashes()).as("printing it stores nothing").isEmpty();
    }

    /**
     * Security review: the adoption of the plain-text token of earlier versions ran at every start and every
     * {@code webhook-token} run, so whoever may insert into gateway_secrets (the runtime role) could delete the token rows
     * and have a token of theirs adopted, with valid MACs, for every source. Now only the upgrade to row MACs adopts it.
     */
    @Test
    void thePlainTextTokenOfEarlierVersionsIsAdoptedByTheUpgradeAloneAndOneWrittenLaterIsRefused() throws Exception {
        String legacy = "legacyGeneratedToken0123456789abcdefghijklmno";
        String own = "igw_wh_cloudevents_issued-by-the-older-version-0123456789";
        try (TestStore older = TestStore.create(kind())) {
            GatewayConfig config = older.config();
            OlderSchema.migrate(config, OlderSchema.BEFORE_ROW_MACS);
            try (HikariDataSource ds = StoreFactory.open(config)) {
                execute(ds, "INSERT INTO gateway_secrets (name, secret, created_at) VALUES ('webhook-token', ?, ?)", legacy, OffsetDateTime.now());
                execute(ds, "INSERT INTO webhook_tokens (source, token_hash, created_at) VALUES ('cloudevents', ?, ?)",
                        TokenDigest.sha256Hex(own), OffsetDateTime.now());
            }
            Result upgraded = cli(config);
            assertThat(upgraded.exit()).as(upgraded.toString()).isZero();
            assertThat(upgraded.out()).doesNotContain(legacy).doesNotContain("no token yet");
            try (HikariDataSource ds = StoreFactory.open(config)) {
                assertThat(hashes(ds)).containsOnly(Map.entry("alertmanager", TokenDigest.sha256Hex(legacy)),
                        Map.entry("grafana", TokenDigest.sha256Hex(legacy)),
                        Map.entry("cloudevents", TokenDigest.sha256Hex(own))); // a source's own token is kept
                assertThat(TableCells.of(ds, "gateway_secrets")).as("the plain-text copy is gone").doesNotContain("webhook-token", legacy);
                assertThat(TableCells.of(ds, "webhook_tokens")).noneMatch(v -> v.contains(legacy));
                // What the runtime role may do: its own plain-text token in place of every source's.
                execute(ds, "DELETE FROM webhook_tokens");
                execute(ds, "INSERT INTO gateway_secrets (name, secret, created_at) VALUES ('webhook-token', 'attacker-token', ?)",
                        OffsetDateTime.now());
            }
            Result later = cli(config);
            assertThat(later.exit()).as(later.toString()).isZero();
            assertThat(later.out()).contains("no token yet");
            try (HikariDataSource ds = StoreFactory.open(config)) {
                assertThat(hashes(ds)).as("not adopted").isEmpty();
                assertThat(TableCells.of(ds, "gateway_secrets")).as("refused and deleted").doesNotContain("attacker-token");
            }
        }
    }

    /** The command as the CLI runs it on a store no gateway holds: opened and migrated (with the upgrade's seal) first. */
    private static Result cli(GatewayConfig config, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config, StoreTimeouts.connectOnly(), CredentialRowSeal.atUpgrade(config))) {
            int exit = new WebhookTokenCommand().run(new StoreCommand.Context(ds, config, SqlDialect.forUrl(config.get(StoreSettings.DB_URL))),
                    List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static void execute(HikariDataSource ds, String sql, Object... params) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
