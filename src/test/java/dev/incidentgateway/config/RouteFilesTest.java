package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Trial: a route in GATEWAY_ROUTES_DIR named mine.yaml was ignored without a word; the start now warns about each. */
class RouteFilesTest {
    @TempDir
    Path routes;

    @Test
    void yamlFilesNotNamedCamelYamlAreTheIgnoredOnes() throws Exception {
        Files.createDirectories(routes.resolve("team"));
        Files.writeString(routes.resolve("loaded.camel.yaml"), "- route: {}\n");
        Files.writeString(routes.resolve("mine.yaml"), "- route: {}\n");
        Files.writeString(routes.resolve("team/other.yml"), "- route: {}\n");
        Files.writeString(routes.resolve("notes.txt"), "not YAML\n");
        assertThat(RouteFiles.ignoredIn(routes)).containsExactly(routes.resolve("mine.yaml"), routes.resolve("team/other.yml"));
    }

    @Test
    void theNameAnIgnoredFileIsLoadedUnderEndsInCamelYamlOnce() {
        assertThat(RouteFiles.loadedName(routes.resolve("mine.yaml"))).isEqualTo("mine.camel.yaml");
        assertThat(RouteFiles.loadedName(routes.resolve("team/other.yml"))).isEqualTo("other.camel.yaml");
        assertThat(RouteFiles.loadedName(routes.resolve("export.camel.yml"))).isEqualTo("export.camel.yaml");
    }
}
