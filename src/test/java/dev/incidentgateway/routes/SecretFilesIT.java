package dev.incidentgateway.routes;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Secrets given as files ({@code <VAR>_FILE}, as Docker and Kubernetes mount them), in the shaded jar: the webhook
 * token a setting reads and the chat target's URL a YAML route reads with {@code {{env:…}}} both work from their files,
 * {@code config} says where they came from without showing them, and a file that is not there stops the start naming
 * its variable.
 */
class SecretFilesIT {
    private static final String TOKEN = "file-token-" + UUID.randomUUID();

    @Test
    void aSettingAndARouteReadTheirSecretsFromFiles(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate("GATEWAY_WEBHOOK_TOKEN", "CHAT_WEBHOOK_URL");
        try (FakeChatWebhook chat = new FakeChatWebhook()) {
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Map<String, String> env = new HashMap<>();
            env.put("GATEWAY_WEBHOOK_TOKEN_FILE", Files.writeString(secrets.resolve("token"), TOKEN + "\n").toString());
            env.put("CHAT_WEBHOOK_URL_FILE", Files.writeString(secrets.resolve("chat-url"), chat.url() + "\n").toString());
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));

            GatewayProcess.Command config = jar.command(dir, env, "config");
            assertThat(config.exitCode()).as(config.output()).isZero();
            assertThat(config.stdout()).containsPattern("GATEWAY_WEBHOOK_TOKEN +=  ?\\*\\*\\*\\*  \\[file GATEWAY_WEBHOOK_TOKEN_FILE\\]")
                    .doesNotContain(TOKEN).doesNotContain(FakeChatWebhook.SECRET)
                    .as("a secret's file variable is no unknown variable").doesNotContain("not a setting");

            String key = jar.createApiKey(dir, env, "files", "read,write");
            GatewayProcess.Launched gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                String alert = """
                        {"version":"4","status":"firing","receiver":"incident-gateway","groupLabels":{},"commonLabels":{},
                         "alerts":[{"status":"firing","labels":{"alertname":"DiskFull","severity":"critical"},
                           "startsAt":"2026-12-05T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"fp-file-1"}]}
                        """;
                assertThat(http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + TOKEN).status())
                        .as("the token from the file, without its trailing newline").isEqualTo(200);
                assertThat(http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + TOKEN + "\\n")
                        .status()).isEqualTo(401);

                assertThat(http.postJson("/api/v1/incidents", obj("id", "SF-1", "title", "From files", "actor", "alice",
                        "severity", "sev2")).status()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(chat.accepted("SF-1")).as("the chat route's URL came from its file").hasSize(1));
                assertThat(Files.readString(gateway.log())).doesNotContain(TOKEN).doesNotContain(FakeChatWebhook.SECRET)
                        .contains("chat-webhook (YAML route)");
            } finally {
                GatewayProcess.stop(gateway.process());
            }
        }
    }

    @Test
    void aMissingSecretFileOrOneSetTwiceStopsTheStartNamingTheVariable(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate("GATEWAY_WEBHOOK_TOKEN", "CHAT_WEBHOOK_URL");
        Map<String, String> missing = Map.of("GATEWAY_WEBHOOK_TOKEN_FILE", dir.resolve("nope").toString(),
                "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        GatewayProcess.Command start = jar.command(dir, missing, "run");
        assertThat(start.exitCode()).as(start.output()).isEqualTo(2);
        assertThat(start.output()).contains("GATEWAY_WEBHOOK_TOKEN_FILE: no such file: " + dir.resolve("nope"));
        assertThat(dir.resolve("data")).as("refused before the store is created").doesNotExist();

        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        GatewayProcess.Command twice = jar.command(dir, Map.of("GATEWAY_WEBHOOK_TOKEN_FILE", token.toString(),
                "GATEWAY_WEBHOOK_TOKEN", "other", "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "config");
        assertThat(twice.exitCode()).as(twice.output()).isEqualTo(2);
        assertThat(twice.output()).contains("both GATEWAY_WEBHOOK_TOKEN and GATEWAY_WEBHOOK_TOKEN_FILE are set")
                .doesNotContain(TOKEN);

        Path url = Files.writeString(dir.resolve("chat-url"), "http://127.0.0.1:9/hooks/x");
        Files.delete(url);
        GatewayProcess.Command route = jar.command(dir, Map.of("CHAT_WEBHOOK_URL_FILE", url.toString(),
                "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "config");
        assertThat(route.exitCode()).as(route.output()).isEqualTo(2);
        assertThat(route.output()).contains("CHAT_WEBHOOK_URL_FILE: no such file");
    }
}
