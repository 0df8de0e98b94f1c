package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar incident-gateway.jar config} lists the application's settings and every discovered connector's; commands
 * without options refuse one.
 */
class GatewayMainConfigCommandTest {
    /**
     * Security review: a refused value was echoed as given, so {@code user:KafkaUrlPW@broker:9092} put a password in the
     * terminal and the start's log. Problems mask values as {@code config} does: credentials in URLs and bare
     * {@code user:password@host}, and every secret setting's value.
     */
    @Test
    void aRefusedValueIsMaskedInConfigsAndTheStartsProblems() throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "user:KafkaUrlPW@broker:9092",
                "GATEWAY_DB_URL", "jdbc:postgresql://db/gw?password=UrlPassword9", "GATEWAY_HTTP_PORT", "not-a-port");
        for (String command : new String[] {"config", "run"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[] {command}, () -> GatewayConfig.load(env, Map.of()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String problems = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(command).isEqualTo(2);
            assertThat(problems).as(command).contains("KAFKA_BOOTSTRAP_SERVERS", "user:****@broker:9092", "GATEWAY_HTTP_PORT")
                    .doesNotContain("KafkaUrlPW");
            assertThat(out.toString(StandardCharsets.UTF_8) + problems).doesNotContain("KafkaUrlPW", "UrlPassword9");
        }
    }

    @Test
    void configListsConnectorSettingsWithSecretsMasked() throws Exception {
        Map<String, String> env = Map.of("SERVICENOW_PASSWORD", "snow-secret-1", "SLACK_CHANNEL", "#incidents",
                "ECHO_TOKEN", "echo-secret-2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(new String[]{"config"}, () -> GatewayConfig.load(env, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("GATEWAY_DB_URL", "SERVICENOW_PASSWORD", "SERVICENOW_POLL_INTERVAL", "JIRA_API_TOKEN",
                "SLACK_CHANNEL                  = #incidents", "ECHO_TOKEN", "PAGERDUTY_WEBHOOK_SECRET");
        assertThat(text).doesNotContain("snow-secret-1", "echo-secret-2");
        assertThat(text).as("where each connector value came from").contains("SLACK_CHANNEL                  = #incidents  [env]")
                .containsPattern("SERVICENOW_PASSWORD +\\= \\*\\*\\*\\*  \\[env\\]")
                .containsPattern("JIRA_API_TOKEN +\\= \\(empty\\)  \\[default\\]");
    }

    @Test
    void configReportsABadSlaFileAsAStartDoesAndExits2(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "severities:\n  sev9:\n    acknowledge: 5m\n  sev1:\n    acknowledge: 5 minutes\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(new String[]{"config"}, () -> GatewayConfig.load(Map.of("GATEWAY_SLA_FILE", bad.toString()), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(GatewayMain.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("severities.sev9", "severities.sev1.acknowledge");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("only the problems are printed").isEmpty();
    }

    /** A new user's report: config passed a certificate without its key (exit 0) that a start then refused (exit 2). */
    @Test
    void configRunsTheStartsCrossKeyChecks() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(new String[]{"config"}, () -> GatewayConfig.load(Map.of("GATEWAY_TLS_CERT_FILE", "/etc/hostname"), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(GatewayMain.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("http.tls.keyFile", "must be set too");
    }

    /**
     * README (Configuration): a bad value stops the start before data/ or keys/ exist. A missing connectors directory or
     * a descriptor's typo stopped it only after the store, the chain key and the checkpoint key had been created.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"missing connectors dir", "typo in a descriptor"})
    void aBadConnectorsSettingStopsTheStartAndConfigBeforeAnythingIsCreated(String what, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path connectors = dir.resolve("connectors");
        if (what.startsWith("typo")) {
            java.nio.file.Files.createDirectories(connectors);
            java.nio.file.Files.writeString(connectors.resolve("slack.yaml"), "kind: sink\nname: slack\nminSeverty: sev1\n");
        }
        Map<String, String> env = Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway"), "GATEWAY_KEYS_DIR",
                dir.resolve("keys").toString(), "GATEWAY_CONNECTORS_DIR", connectors.toString(), "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_CHECKPOINT_FILE", dir.resolve("data/checkpoints.jsonl").toString());
        for (String command : new String[] {"config", "run"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[]{command}, () -> GatewayConfig.load(env, Map.of()),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(command + ": " + err).isEqualTo(GatewayMain.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(command).contains(what.startsWith("typo") ? "minSeverty" : "GATEWAY_CONNECTORS_DIR");
            assertThat(dir.resolve("data")).as(command).doesNotExist();
            assertThat(dir.resolve("keys")).as(command).doesNotExist();
        }
    }

    /**
     * Platform trial: a JSONPath source's mapping mistakes stopped the start but {@code config} said fine (exit 0); the
     * mapping is built by the start's checks now, so both refuse it with one message, before anything is created.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "a misspelt mapping key | 'corelationKey: \"$.monitor.id\"' | 'resolve' | mapping.corelationKey is not a mapping key (known: ",
            "a bad JSONPath | 'correlationKey: \"$.monitor[id\"' | 'resolve' | is not a valid JSONPath",
            "no event type | 'correlationKey: \"$.monitor.id\"' | 'resolved' | 'resolved' is not an event type a mapping can produce"})
    void aMappingMistakeStopsConfigAsItStopsTheStart(String what, String key, String type, String named,
                                                     @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path connectors = java.nio.file.Files.createDirectories(dir.resolve("connectors"));
        java.nio.file.Files.writeString(connectors.resolve("uptimekuma.yaml"), "kind: webhook-source\nname: uptimekuma\nmapper: jsonpath\n"
                + "auth: {mode: none}\nmapping:\n  " + key + "\n  eventType: {path: \"$.heartbeat.status\", values: {\"0\": declare, \"1\": "
                + type + "}}\n  title: \"$.monitor.name\"\n");
        Map<String, String> env = Map.of("GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway"), "GATEWAY_KEYS_DIR",
                dir.resolve("keys").toString(), "GATEWAY_CONNECTORS_DIR", connectors.toString(), "GATEWAY_HTTP_PORT", "0",
                "GATEWAY_CHECKPOINT_FILE", dir.resolve("data/checkpoints.jsonl").toString());
        for (String command : new String[] {"config", "run"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[]{command}, () -> GatewayConfig.load(env, Map.of()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(command + ": " + err).isEqualTo(GatewayMain.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(command).contains("connectors/uptimekuma.yaml", named);
            assertThat(out.toString(StandardCharsets.UTF_8)).as(command).isEmpty();
            assertThat(dir.resolve("data")).as(command).doesNotExist();
        }
    }

    @Test
    void aStoreCommandRunElsewhereThanTheGatewayDoesNotReportOnANewEmptyStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data/gateway");
        String keys = dir.resolve("keys").toString(); // not ./keys: the checkout's own, which a gateway started there would use
        for (String[] command : new String[][] {{"verify"}, {"rebuild-views"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(command, () -> GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_KEYS_DIR", keys), Map.of()),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(command[0]).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(command[0]).contains("there is no store at", "gateway.mv.db",
                    "nothing was created");
            assertThat(dir.resolve("data/gateway.mv.db")).as(command[0] + " created no store").doesNotExist();
        }
        // api-key create makes the store before a first start (README quick start), and says where.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(new String[] {"api-key", "create", "--name", "first", "--scopes", "admin"},
                () -> GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_KEYS_DIR", keys), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a new one was created there");
        assertThat(dir.resolve("data/gateway.mv.db")).exists();
        ByteArrayOutputStream listErr = new ByteArrayOutputStream();
        assertThat(GatewayMain.run(new String[] {"api-key", "list", "--bogus"}, () -> GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_KEYS_DIR", keys), Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(listErr, true, StandardCharsets.UTF_8))).as("api-key list --bogus").isEqualTo(GatewayMain.USAGE);
    }

    @Test
    void helpPrintsEveryCommandAndExitsZero() throws Exception {
        for (String help : new String[] {"help", "--help", "-h"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[]{help}, () -> {
                throw new AssertionError("help needs no configuration");
            }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(code).as(help).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("verify", "rebuild-views", "webhook-token", "api-key", "config",
                    "pg-roles", "Exit codes");
        }
    }

    @Test
    void commandsWithoutOptionsRefuseAnUnknownOneWithUsage() throws Exception {
        for (String command : new String[] {"run", "config", "pg-roles"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            // run would start a gateway if it took the option: the config supplier fails the test first.
            int code = GatewayMain.run(new String[]{command, "--bogus"}, () -> {
                throw new AssertionError(command + " went on with an option it does not take");
            }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(command).isEqualTo(GatewayMain.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(command).contains("Usage: " + command, "--bogus");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rebuild = new dev.incidentgateway.cli.RebuildViewsCommand().run(null, java.util.List.of("--bogus"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rebuild).as("rebuild-views touches no store with an option it does not take").isEqualTo(GatewayMain.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: rebuild-views");
    }

    /**
     * A malformed GATEWAY_CHAIN_KEY (a typo, a truncated copy) is a bad value like any other: before, {@code config} passed
     * it (exit 0) and a start or {@code api-key create} created the store, then refused the key (exit 2).
     */
    @Test
    void aMalformedChainKeyIsABadValueOfConfigAndEveryCommandBeforeAStoreExists(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String malformed = "not-a-32-byte-key";
        Map<String, String> env = Map.of("GATEWAY_CHAIN_KEY", malformed, "GATEWAY_DB_URL", "jdbc:h2:file:" + dir.resolve("data/gateway"),
                "GATEWAY_KEYS_DIR", dir.resolve("keys").toString());
        for (String[] command : new String[][] {{"config"}, {"api-key", "create", "--name", "alice", "--scopes", "read"}, {"verify"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(command, () -> GatewayConfig.load(env, Map.of()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String typed = String.join(" ", command);
            assertThat(code).as(typed + ": " + err).isEqualTo(GatewayMain.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(typed).contains("GATEWAY_CHAIN_KEY", "at least 32")
                    .doesNotContain(malformed);
            assertThat(out.toString(StandardCharsets.UTF_8)).as(typed).isEmpty();
            assertThat(dir.resolve("data")).as(typed + " created the store").doesNotExist();
        }
    }

    /**
     * The key files a start reads are read by config too, generating nothing: config passed a named checkpoint key without
     * its .pub, a named one that is not there, or a chain key file that does not parse (exit 0), and the start created the
     * store and then refused them (exit 2).
     */
    @Test
    void configReadsTheKeyFilesAStartWouldReadAndCreatesNone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path keys = dir.resolve("keys");
        java.nio.file.Files.createDirectories(keys);
        java.nio.file.Path lonePrivate = java.nio.file.Files.writeString(dir.resolve("signing.key"), "-----BEGIN PRIVATE KEY-----\n");
        java.nio.file.Path badChainKeys = java.nio.file.Files.createDirectories(dir.resolve("bad-keys"));
        java.nio.file.Files.writeString(badChainKeys.resolve("chain.key"), "truncated\n");
        Map<String, Map<String, String>> cases = Map.of(
                "GATEWAY_CHECKPOINT_KEY_FILE", Map.of("GATEWAY_KEYS_DIR", keys.toString(), "GATEWAY_CHECKPOINT_KEY_FILE", lonePrivate.toString()),
                "does not exist", Map.of("GATEWAY_KEYS_DIR", keys.toString(), "GATEWAY_CHECKPOINT_KEY_FILE", dir.resolve("nosuch.key").toString()),
                "chain.key", Map.of("GATEWAY_KEYS_DIR", badChainKeys.toString()));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[] {"config"}, () -> GatewayConfig.load(c.getValue(), Map.of()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(c.getKey() + ": " + err).isEqualTo(GatewayMain.USAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(c.getKey()).contains(c.getKey()).doesNotContain("truncated");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int fine = GatewayMain.run(new String[] {"config"}, () -> GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", keys.toString()), Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(fine).as("no key yet: the start generates them. " + err).isZero();
        try (var left = java.nio.file.Files.list(keys)) {
            assertThat(left).as("config generated a key").isEmpty();
        }
    }
}
