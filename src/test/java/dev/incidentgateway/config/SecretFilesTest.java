package dev.incidentgateway.config;

import dev.incidentgateway.connectors.jira.JiraSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets from {@code <VAR>_FILE}: read once, trailing line breaks dropped, refused naming the variable, secrets only. */
class SecretFilesTest {
    private static final String SECRET = "s3cret-from-a-file";

    @TempDir
    Path dir;

    @Test
    void aGatewaySecretComesFromItsFileWithoutTheTrailingNewlineAndConfigSaysSo() throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_DB_PASSWORD_FILE", file("db", SECRET + "\r\n\n").toString()), Map.of());
        assertThat(config.get(StoreSettings.DB_PASSWORD)).isEqualTo(SECRET);
        assertThat(config.describe()).contains("[file GATEWAY_DB_PASSWORD_FILE]").doesNotContain(SECRET);
        assertThat(config.unknownGatewayVariables(List.of())).as("the file variable of a secret is known").isEmpty();
        assertThat(config.masked("jdbc:x password " + SECRET)).doesNotContain(SECRET);
        assertThat(config.with(Map.of(HttpSettings.HTTP_PORT, "9999")).get(StoreSettings.DB_PASSWORD))
                .as("a copy with overrides keeps the secret and is not refused as set twice").isEqualTo(SECRET);
    }

    @Test
    void innerWhitespaceAndEmptyFilesAreKeptAsTheyAre() throws Exception {
        assertThat(GatewayConfig.load(Map.of("GATEWAY_DB_PASSWORD_FILE", file("a", " a b ").toString()), Map.of())
                .get(StoreSettings.DB_PASSWORD)).isEqualTo(" a b ");
        assertThat(GatewayConfig.load(Map.of("GATEWAY_DB_PASSWORD_FILE", file("b", "").toString()), Map.of())
                .get(StoreSettings.DB_PASSWORD)).isEmpty();
    }

    @Test
    void aFileThatCannotBeUsedIsRefusedNamingTheVariableNeverTheContent() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_DB_PASSWORD_FILE", dir.resolve("missing").toString());
        env.put("GATEWAY_WEBHOOK_TOKEN_FILE", file("token", SECRET).toString());
        env.put("GATEWAY_WEBHOOK_TOKEN", "also-set");
        env.put("GATEWAY_CHAIN_KEY_FILE", Files.write(dir.resolve("latin1"), new byte[] {'k', (byte) 0xE9, 'y'}).toString());
        env.put("GATEWAY_DB_MIGRATION_PASSWORD_FILE", Files.write(dir.resolve("big"), new byte[SecretFiles.MAX_BYTES + 1]).toString());
        assertThatThrownBy(() -> GatewayConfig.load(env, Map.of())).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "store.password (env GATEWAY_DB_PASSWORD): GATEWAY_DB_PASSWORD_FILE: no such file: " + dir.resolve("missing"),
                        "webhooks.token (env GATEWAY_WEBHOOK_TOKEN): both GATEWAY_WEBHOOK_TOKEN and GATEWAY_WEBHOOK_TOKEN_FILE are set;"
                                + " set one of them",
                        "audit.chainKey (env GATEWAY_CHAIN_KEY): GATEWAY_CHAIN_KEY_FILE: " + dir.resolve("latin1") + " is not UTF-8 text",
                        "store.migrationPassword (env GATEWAY_DB_MIGRATION_PASSWORD): GATEWAY_DB_MIGRATION_PASSWORD_FILE: "
                                + dir.resolve("big") + " is larger than 65536 bytes, too large for a secret (the wrong file?)"))
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void theConfigFilesEnvReferenceReadsTheFileOfAnUnsetVariable() throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("DB_PW_FILE", file("pw", SECRET + "\n").toString()),
                Map.of("store.password", "${DB_PW}", "store.user", "${DB_USER:gateway}"));
        assertThat(config.get(StoreSettings.DB_PASSWORD)).isEqualTo(SECRET);
        assertThat(config.get(StoreSettings.DB_USER)).as("the default of a variable with no file").isEqualTo("gateway");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("DB_PW_FILE", dir.resolve("none").toString()),
                Map.of("store.password", "${DB_PW:fallback}"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.password: DB_PW_FILE: no such file");
    }

    @Test
    void onlySecretsReadAFile() throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_HTTP_PORT_FILE", file("port", "9999").toString()), Map.of());
        assertThat(config.get(HttpSettings.HTTP_PORT)).as("not a secret: its _FILE variable means nothing").isEqualTo(8080);
        assertThat(config.unknownGatewayVariables(List.of())).containsExactly("GATEWAY_HTTP_PORT_FILE");
    }

    @Test
    void theFileVariableOfAWebhookSourcesSecretIsKnown() throws Exception {
        Path secret = file("pd", SECRET);
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_PD_SECRET_FILE", secret.toString()), Map.of());
        assertThat(config.unknownGatewayVariables(List.of("GATEWAY_PD_SECRET"))).as("named by auth.secretEnv").isEmpty();
        assertThat(ConnectorSettings.text(dev.incidentgateway.ingest.auth.WebhookSecrets.key("pd", "GATEWAY_PD_SECRET"),
                config.env())).isEqualTo(SECRET);
    }

    @Test
    void aConnectorSecretComesFromItsFileAndIsRefusedNamingIt() throws Exception {
        Map<String, String> env = Map.of("JIRA_API_TOKEN_FILE", file("jira", SECRET + "\n").toString());
        assertThat(ConnectorSettings.isSet(JiraSettings.API_TOKEN, env)).isTrue();
        assertThat(ConnectorSettings.text(JiraSettings.API_TOKEN, env)).isEqualTo(SECRET);
        assertThat(ConnectorSettings.describe("jira", List.of(JiraSettings.API_TOKEN), env, s -> s))
                .contains("****  [file JIRA_API_TOKEN_FILE]").doesNotContain(SECRET);

        Map<String, String> missing = Map.of("JIRA_API_TOKEN_FILE", dir.resolve("none").toString());
        assertThatThrownBy(() -> ConnectorSettings.text(JiraSettings.API_TOKEN, missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("jira.apiToken (env JIRA_API_TOKEN): JIRA_API_TOKEN_FILE: no such file");
    }

    @Test
    void aRoutesEnvPlaceholderReadsTheFileOnlyWhenTheVariableIsUnset() throws Exception {
        String name = "INCIDENT_GATEWAY_TEST_UNSET_" + System.nanoTime();
        SecretFileEnvFunction env = new SecretFileEnvFunction(Map.of(name + "_FILE", file("url", "https://chat/x\n").toString()));
        assertThat(env.getName()).isEqualTo("env");
        assertThat(env.apply(name)).isEqualTo("https://chat/x");
        assertThat(env.apply(name + ":fallback")).as("the file wins over the default").isEqualTo("https://chat/x");
        assertThat(new SecretFileEnvFunction(Map.of()).apply(name + ":fallback")).as("Camel's own: the default").isEqualTo("fallback");
        assertThatThrownBy(() -> new SecretFileEnvFunction(Map.of(name + "_FILE", dir.resolve("gone").toString())).apply(name))
                .hasMessageContaining(name + "_FILE: no such file");
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
