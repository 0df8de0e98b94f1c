package dev.incidentgateway;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.audit.ChainKeyRotation;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.audit.RetiredChainKeys;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TableCells;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code chain-key rotate}: a security team that suspects the chain key leaked replaces it. Events so far stay hashed with
 * the old key (kept with its boundary in keys/chain-keys-retired, outside the database), later ones use the new key, the
 * global chain runs on across the boundary, credential rows are sealed anew, and a gateway with the old key refuses to
 * start. A boundary moved in the database or in the file, or a missing retired key, is reported by verify.
 */
abstract class ChainKeyRotationContract {
    private TestStore store;
    private GatewayConfig config;

    abstract TestStore.Kind kind();

    @BeforeEach
    void store() {
        store = TestStore.createOrSkip(kind());
        config = store.config(Map.of("GATEWAY_CHAIN_KEY", "")); // the key in keys/chain.key, as rotate needs it
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void eventsOnBothSidesOfTwoRotationsVerifyAndTheOldKeyNoLongerStartsAGateway() throws Exception {
        String admin = TestApiKeys.create(config, "ops", Set.of(Scope.ADMIN)); // generates keys/chain.key
        String token;
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            token = new WebhookTokenStore(ds, CredentialRowMacs.from(ChainKeys.forGateway(config, ds))).rotate("alertmanager");
        }
        appendEvents(admin, "ROT-1", true);
        Path keyFile = ChainKeys.keyFile(config);
        String oldKey = Files.readString(keyFile).strip();

        Result rotated = cli("chain-key", "rotate");
        assertThat(rotated.exit()).as(rotated.toString()).isZero();
        assertThat(rotated.out()).contains("Rotated the chain key", RetiredChainKeys.FILE).doesNotContain(oldKey);
        String newKey = Files.readString(keyFile).strip();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(rotated.toString()).doesNotContain(newKey);
        Path retired = RetiredChainKeys.file(config);
        assertThat(Files.readString(retired)).contains(ChainKey.parse(oldKey).fingerprint(), oldKey);
        if (retired.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(retired))).isEqualTo("rw-------");
        }
        assertThat(Files.exists(ChainKeyRotation.pendingFile(config))).isFalse();

        try (Gateway gateway = Gateway.create(config).start()) {
            HttpApi http = new HttpApi(gateway.port(), admin);
            assertThat(http.get("/api/v1/incidents").status()).as("the old API key's row was sealed anew").isEqualTo(200);
            String alert = Files.readString(Path.of("src/test/resources/fixtures/alertmanager-firing.json"));
            assertThat(http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + token).status())
                    .as("so was the webhook token's").isNotEqualTo(401);
            appendEvents(http, "ROT-1", false); // an incident whose chain crosses the boundary
            appendEvents(http, "ROT-2", true);
            assertThat(http.get("/api/v1/incidents/ROT-1/verify").json().path("intact").asBoolean())
                    .as("the running gateway checks the events before the boundary with the retired key").isTrue();
        }
        assertThat(cli("verify").out()).startsWith("OK");

        GatewayConfig withOldKey = store.config(Map.of("GATEWAY_CHAIN_KEY", oldKey));
        assertThatThrownBy(() -> Gateway.create(withOldKey).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not the key this store's audit chain was written with");

        assertThat(cli("chain-key", "rotate").exit()).as("a second rotation").isZero();
        appendEvents(admin, "ROT-1", false);
        Result verified = cli("verify");
        assertThat(verified.exit()).as(verified.toString()).isZero();
        assertThat(verified.out()).startsWith("OK: 4 incidents"); // ROT-1, ROT-2 and the alert's
        assertThat(Files.readAllLines(retired)).filteredOn(l -> !l.startsWith("#")).hasSize(2);
    }

    @Test
    void aBoundaryMovedInTheDatabaseOrInTheFileOrAMissingRetiredKeyIsReported() throws Exception {
        String admin = TestApiKeys.create(config, "ops", Set.of(Scope.ADMIN));
        appendEvents(admin, "TAMP-1", true);
        assertThat(cli("chain-key", "rotate").exit()).isZero();
        appendEvents(admin, "TAMP-1", false);
        appendEvents(admin, "TAMP-2", true);
        assertThat(cli("verify").exit()).isZero();

        String boundaryRow;
        String lastEvent;
        try (HikariDataSource ds = StoreFactory.open(config)) {
            boundaryRow = cell(ds, "SELECT secret FROM gateway_secrets WHERE name = 'chain-key-epoch-0001'");
            lastEvent = cell(ds, "SELECT MAX(id) FROM timeline_events").trim();
            // Whoever holds the old key and the database moves the boundary past the newer events.
            update(ds, "UPDATE gateway_secrets SET secret = ? WHERE name = 'chain-key-epoch-0001'",
                    boundaryRow.split(" ")[0] + " " + lastEvent);
        }
        Result moved = cli("verify");
        assertThat(moved.exit()).isEqualTo(1);
        assertThat(moved.out()).contains("BROKEN: chain key rotation 1: the store records its boundary at event " + lastEvent);
        try (HikariDataSource ds = StoreFactory.open(config)) {
            update(ds, "UPDATE gateway_secrets SET secret = ? WHERE name = 'chain-key-epoch-0001'", boundaryRow);
        }
        assertThat(cli("verify").exit()).isZero();

        Path retired = RetiredChainKeys.file(config);
        String pinned = Files.readString(retired);
        String boundary = boundaryRow.split(" ")[1];
        Files.writeString(retired, pinned.replace(" " + boundary + " ", " " + lastEvent + " "));
        Result fileMoved = cli("verify");
        assertThat(fileMoved.exit()).isEqualTo(1);
        assertThat(fileMoved.out()).contains("the store records its boundary at event " + boundary)
                .contains("hash does not match the event's stored content");

        Files.delete(retired);
        Result missing = cli("verify");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing retired chain key", retired.toString());
        Files.writeString(retired, pinned);
        assertThat(cli("verify").exit()).isZero();
    }

    @Test
    void aRotationInterruptedAfterItsCommitIsFinishedByTheNextStartAndOneThatDidNotCommitIsUndone() throws Exception {
        String admin = TestApiKeys.create(config, "ops", Set.of(Scope.ADMIN));
        appendEvents(admin, "CRASH-1", true);
        Path keyFile = ChainKeys.keyFile(config);
        Path pending = ChainKeyRotation.pendingFile(config);

        // A crash while the transaction ran: the pending key is not the store's; rotate deletes it and rotates.
        Files.writeString(pending, java.util.Base64.getEncoder().encodeToString(new byte[ChainKey.MIN_BYTES]) + "\n");
        assertThat(cli("chain-key", "rotate").exit()).isZero();
        assertThat(pending).doesNotExist();
        appendEvents(admin, "CRASH-1", false);

        // A crash after the commit, before the files: the store has the new key, the key file the old one.
        String secondOld = Files.readString(keyFile);
        assertThat(cli("chain-key", "rotate").exit()).isZero();
        Path retired = RetiredChainKeys.file(config);
        String retiredAfterOne = Files.readString(retired).lines().filter(l -> !l.contains(ChainKey.parse(secondOld).fingerprint()))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        Files.move(keyFile, pending);
        Files.writeString(keyFile, secondOld);
        Files.writeString(retired, retiredAfterOne);
        GatewayConfig gatewayConfig = config;
        try (Gateway gateway = Gateway.create(gatewayConfig).start()) {
            appendEvents(new HttpApi(gateway.port(), admin), "CRASH-2", true);
        }
        assertThat(pending).doesNotExist();
        assertThat(Files.readString(retired)).contains(ChainKey.parse(secondOld).fingerprint());
        Result verified = cli("verify");
        assertThat(verified.exit()).as(verified.toString()).isZero();
    }

    /** The jar in a process of its own: on H2 the gateway's file lock tells, on PostgreSQL its sessions' application_name. */
    @Test
    void rotateRefusesWhileAGatewayRunsOnTheStore(@TempDir Path dir) throws Exception {
        String admin = TestApiKeys.create(config, "ops", Set.of(Scope.ADMIN));
        String before = Files.readString(ChainKeys.keyFile(config));
        Map<String, String> env = new java.util.HashMap<>(store.env());
        env.put("GATEWAY_CHAIN_KEY", "");
        try (Gateway gateway = Gateway.create(config).start()) {
            appendEvents(new HttpApi(gateway.port(), admin), "RUN-1", true);
            GatewayProcess.Command refused = GatewayProcess.locate().command(dir, env, "chain-key", "rotate");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.stderr()).contains("Stop every gateway on this store first");
        }
        assertThat(Files.readString(ChainKeys.keyFile(config))).isEqualTo(before);
        Result withVariable = cliWith(store.config(Map.of("GATEWAY_CHAIN_KEY", before.strip())), "chain-key", "rotate");
        assertThat(withVariable.exit()).isEqualTo(2);
        assertThat(withVariable.err()).contains("GATEWAY_CHAIN_KEY is set");
        assertThat(cli("verify").exit()).isZero();
    }

    private void appendEvents(String apiKey, String incidentId, boolean declare) throws Exception {
        try (Gateway gateway = Gateway.create(config).start()) {
            appendEvents(new HttpApi(gateway.port(), apiKey), incidentId, declare);
        }
    }

    private static void appendEvents(HttpApi http, String incidentId, boolean declare) {
        if (declare) {
            assertThat(http.postJson("/api/v1/incidents", obj("id", incidentId, "title", "t", "actor", "a")).status()).isEqualTo(201);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(http.postJson("/api/v1/incidents/" + incidentId + "/events", obj("type", "note", "actor", "a", "content", "n" + i))
                    .status()).isEqualTo(201);
        }
    }

    record Result(int exit, String out, String err) {
    }

    private Result cli(String... args) throws Exception {
        return cliWith(config, args);
    }

    private static Result cliWith(GatewayConfig config, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = GatewayMain.run(args, () -> config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void update(HikariDataSource ds, String sql, Object... params) throws Exception {
        TableCells.updateOne(ds, sql, params);
    }

    private static String cell(HikariDataSource ds, String sql) throws Exception {
        return TableCells.cell(ds, sql);
    }
}
