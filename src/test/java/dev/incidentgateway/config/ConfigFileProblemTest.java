package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A settings file that cannot be read is named with why: no such file, permission denied, or a YAML syntax error. */
class ConfigFileProblemTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNotCalledBadYaml() {
        Path missing = dir.resolve("gateway.yaml");
        assertThatThrownBy(() -> YamlSettings.read(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing + ": no such file");
    }

    @Test
    void aSyntaxErrorIsCalledBadYamlWithTheParsersWords() throws Exception {
        Path bad = Files.writeString(dir.resolve("gateway.yaml"), "http:\n  port: [1\n");
        assertThatThrownBy(() -> YamlSettings.read(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(bad + ": not readable YAML at line 3, column 1: ")
                .hasMessageContaining("(while parsing a flow sequence at line 2, column 9)");
    }

    @Test
    void aFileTheGatewaysUserMayNotReadSaysPermissionDenied() {
        // Tests run as root here, so the permission itself cannot be taken away: the exception the JDK throws is given.
        Path file = dir.resolve("sla.yaml");
        assertThat(ConfigFileProblem.describe(file, new AccessDeniedException(file.toString())))
                .startsWith(file + ": permission denied").contains(System.getProperty("user.name"));
    }
}
