package dev.incidentgateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.TokenDigest;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * API keys as an operator manages them, with the shaded jar in separate JVMs: a key created before the first
 * start works; a key created while the gateway runs works at its first use, a revoked one stops within seconds (at
 * once on H2, where the CLI's control channel has the gateway read its keys again), without a restart;
 * {@code api-key list} never shows key material; {@code verify} works while the gateway runs (on H2 with a
 * keeper's checkpoint file named relative to the caller's directory). On H2 the
 * running gateway holds the file (no AUTO_SERVER), so the CLI goes through the control channel; on
 * PostgreSQL it connects directly.
 */
class ApiKeyCliIT {
    private static GatewayProcess gw;

    @BeforeAll
    static void findJar() {
        gw = GatewayProcess.locate();
    }

    @org.junit.jupiter.api.Test
    void theJarPrintsItsVersionAndHelpWithoutAStore(@TempDir Path dir) throws Exception {
        Command version = gw.command(dir, "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout().strip()).as("the manifest's Implementation-Version")
                .isEqualTo("incident-gateway " + System.getProperty("gateway.version"));
        Command help = gw.command(dir, "api-key", "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("Usage: java -jar incident-gateway.jar api-key", "create", "list", "revoke");
        assertThat(dir.resolve("data")).as("no store for a help request").doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(TestStore.Kind.class)
    void keysAreCreatedListedAndRevokedAgainstARunningGateway(TestStore.Kind kind, @TempDir Path dir) throws Exception {
        if (kind == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        try (TestStore store = TestStore.create(kind)) {
            Map<String, String> env = new HashMap<>(store.env());
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            env.put("GATEWAY_CHECKPOINT_INTERVAL_S", "1"); // a checkpoint soon after the first event
            String ops = gw.createApiKey(dir, env, "ops", "read,write");
            assertThat(ops).matches("igw_[A-Za-z0-9_-]{43}");
            assertThat(gw.command(dir, env, "api-key", "create", "--name", "ops", "--scopes", "read").exitCode())
                    .as("a name already taken").isEqualTo(2);
            Command badScope = gw.command(dir, env, "api-key", "create", "--name", "x", "--scopes", "read,superuser");
            assertThat(badScope.exitCode()).isEqualTo(2);
            assertThat(badScope.stderr()).contains("superuser");
            assertThat(badScope.stdout()).isEmpty();
            assertThat(gw.command(dir, env, "api-key", "create", "--name", "Bad Name", "--scopes", "read").exitCode()).isEqualTo(2);

            Launched server = gw.start(dir, env);
            try {
                gw.awaitHealthy(server);
                HttpApi api = new HttpApi(server.port(), ops);
                assertThat(api.postJson("/api/v1/incidents", obj("id", "CLI-1", "title", "cli", "actor", "a")).status()).isEqualTo(201);
                assertThat(api.get("/api/v1/incidents/CLI-1").status()).isEqualTo(200);
                assertThat(api.get("/metrics").status()).as("ops has no metrics scope").isEqualTo(403);

                String prom = gw.createApiKey(dir, env, "prometheus", "metrics");
                HttpApi scraper = new HttpApi(server.port(), prom);
                // At its first use, not a reload period later: on H2 the gateway read its keys again before the CLI
                // returned; on PostgreSQL the unknown key made it read them again.
                assertThat(scraper.get("/metrics").status()).as("a key created while the gateway runs, used at once").isEqualTo(200);
                assertThat(scraper.get("/api/v1/incidents").status()).isEqualTo(403);

                Command list = gw.command(dir, env, "api-key", "list");
                assertThat(list.exitCode()).as(list.toString()).isZero();
                assertThat(list.stdout()).contains("ops").contains("read,write").contains("prometheus").contains("metrics");
                for (String key : List.of(ops, prom)) {
                    assertThat(list.output()).doesNotContain(key).doesNotContain(key.substring(4, 20))
                            .doesNotContain(TokenDigest.sha256Hex(key)).doesNotContain(TokenDigest.sha256Hex(key).substring(0, 16));
                }

                Command revoked = gw.command(dir, env, "api-key", "revoke", "prometheus");
                assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
                if (kind == TestStore.Kind.H2) { // through the control channel: in force when the CLI returns
                    assertThat(scraper.get("/metrics").status()).as("revoked through the control channel").isEqualTo(401);
                }
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(() -> scraper.get("/metrics").status() == 401);
                assertThat(api.get("/api/v1/incidents/CLI-1").status()).as("other keys keep working").isEqualTo(200);
                assertThat(gw.command(dir, env, "api-key", "revoke", "nobody").exitCode()).isEqualTo(2);

                Command verify = gw.command(dir, env, "verify");
                assertThat(verify.exitCode()).as(verify.toString()).isZero();
                assertThat(verify.stdout()).contains("OK");
                if (kind == TestStore.Kind.H2) {
                    // A keeper's copy of a checkpoint, named relative to the keeper's directory (not the gateway's):
                    // the CLI hands the running gateway the path resolved where it was typed.
                    JsonNode checkpoint = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                            .until(() -> api.get("/api/v1/audit/checkpoint"), r -> r.status() == 200).json();
                    Path keeper = Files.createDirectory(dir.resolve("keeper"));
                    Files.writeString(keeper.resolve("kept.jsonl"), checkpoint.toString() + "\n");
                    Command kept = gw.command(keeper, env, "verify", "--checkpoint", "kept.jsonl");
                    assertThat(kept.exitCode()).as(kept.toString()).isZero();
                    assertThat(kept.stdout()).contains("1 signed checkpoint from " + keeper.toRealPath().resolve("kept.jsonl"));
                    Command missing = gw.command(keeper, env, "verify", "--checkpoint", "lost.jsonl");
                    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
                    assertThat(missing.stderr()).contains("no such file: " + keeper.toRealPath().resolve("lost.jsonl"));

                    // The caller's GATEWAY_WEBHOOK_TOKEN, not the running gateway's settings (which have none).
                    Map<String, String> withShared = new HashMap<>(env);
                    withShared.put("GATEWAY_WEBHOOK_TOKEN", "shared-webhook-token-of-the-caller-0123");
                    Command shared = gw.command(dir, withShared, "webhook-token");
                    assertThat(shared.exitCode()).as(shared.toString()).isZero();
                    assertThat(shared.stdout()).isEqualTo("shared-webhook-token-of-the-caller-0123\n");

                    Path control = Path.of(env.get("GATEWAY_DB_URL").substring("jdbc:h2:file:".length())).getParent().resolve("control");
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(control))).isEqualTo("rwx------");
                    try (var left = Files.list(control)) {
                        assertThat(left).as("requests and answers (which may hold a key) are not left behind").isEmpty();
                    }
                }
            } finally {
                GatewayProcess.stop(server.process());
            }
            assertThat(Files.readString(server.log())).doesNotContain(ops);

            Command offline = gw.command(dir, env, "api-key", "list");
            assertThat(offline.exitCode()).as(offline.toString()).isZero();
            String opsLine = offline.stdout().lines().filter(l -> l.startsWith("ops ")).findFirst().orElseThrow();
            assertThat(opsLine.split("\\s+")).as("name, scopes, created, last used, revoked: %s", opsLine)
                    .satisfies(cols -> {
                        assertThat(cols[2]).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                        assertThat(cols[3]).as("last used").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                        assertThat(cols[4]).isEqualTo("-");
                    });
            String promLine = offline.stdout().lines().filter(l -> l.startsWith("prometheus ")).findFirst().orElseThrow();
            assertThat(promLine.split("\\s+")[4]).as("revoked").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
    }
}
