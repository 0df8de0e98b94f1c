package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aSettingsFileOfOnlyCommentsLeavesEverySettingAtItsDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("gateway.yaml"), "# every setting at its default\n# http:\n#   port: 8080\n");
        Map<String, String> settings = YamlSettings.read(file);
        assertThat(settings).isEmpty();
        assertThat(GatewayConfig.load(Map.of(), settings).get(HttpSettings.HTTP_PORT)).isEqualTo(8080);
        assertThat(YamlSettings.read(Files.writeString(dir.resolve("empty.yaml"), ""))).isEmpty();
    }

    @Test
    void aSettingsFileWhoseTopLevelIsNoMappingIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(dir.resolve("gateway.yaml"), "- http.port: 8080\n");
        assertThatThrownBy(() -> YamlSettings.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ": not a mapping of settings (such as http: and store:) but a list");
    }
}
