package dev.incidentgateway.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/systemd/incident-gateway.service}, the unit the README gives: every variable it sets is a setting (or a
 * secret's {@code _FILE}), each secret file is one systemd hands over, the stop timeout outlasts the gateway's own
 * shutdown budget, and systemd's own checker finds nothing to say about it (where systemd is installed).
 */
class SystemdUnitFileTest {
    private static final Path UNIT = Path.of("docs/systemd/incident-gateway.service");

    @Test
    void everyVariableIsASettingAndEverySecretFileIsACredentialSystemdHandsOver() throws Exception {
        Map<String, String> environment = values("Environment").stream().map(v -> v.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        Set<String> settings = new HashSet<>(Set.of(YamlSettings.CONFIG_FILE_ENV));
        GatewayConfig.KEYS.forEach(k -> settings.add(k.env()));
        GatewayConfig.KEYS.stream().filter(ConfigKey::isSecret).forEach(k -> settings.add(SecretFiles.variable(k)));
        assertThat(settings).as("the unit's variables").containsAll(environment.keySet());
        List<String> examples = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("#Environment="))
                .map(l -> l.substring("#Environment=".length()).split("=", 2)[0]).toList();
        assertThat(settings).as("the variables of its commented-out examples").containsAll(examples);

        Set<String> credentials = values("LoadCredential").stream().map(v -> v.split(":", 2)[0]).collect(Collectors.toSet());
        Set<String> secretFiles = environment.entrySet().stream().filter(e -> e.getKey().endsWith(SecretFiles.SUFFIX))
                .map(Map.Entry::getValue).collect(Collectors.toSet());
        assertThat(secretFiles).as("no secret in the environment: each comes from a credential file").isNotEmpty()
                .allSatisfy(file -> assertThat(file).startsWith("%d/"));
        assertThat(secretFiles.stream().map(f -> f.substring(3)).collect(Collectors.toSet())).isEqualTo(credentials);
        assertThat(environment).doesNotContainKeys("GATEWAY_DB_PASSWORD", "GATEWAY_WEBHOOK_TOKEN", "GATEWAY_CHAIN_KEY");
    }

    @Test
    void systemdWaitsForTheWholeGracefulStop() throws Exception {
        int budget = Integer.parseInt(HttpSettings.SHUTDOWN_TIMEOUT_S.defaultValue());
        // README, Failure behaviour: the whole stop ends within the budget + 4 s.
        assertThat(Integer.parseInt(values("TimeoutStopSec").get(0))).isGreaterThan(budget + 4);
        assertThat(values("KillSignal")).containsExactly("SIGTERM");
        assertThat(values("RestartPreventExitStatus")).as("a refused configuration (exit 2) is not restarted").containsExactly("2");
    }

    @Test
    void systemdAnalyzeVerifyFindsNothing(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Path copy = Files.copy(UNIT, dir.resolve(UNIT.getFileName())); // verify reads the unit's name from its file name
        Process verify = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // It exits 0 on an unknown key or a value it cannot parse, and says so: any line is a fault in the unit.
        assertThat(output).as("systemd-analyze verify").isEmpty();
        assertThat(verify.exitValue()).isZero();
    }

    private static List<String> values(String key) throws Exception {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .toList();
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
