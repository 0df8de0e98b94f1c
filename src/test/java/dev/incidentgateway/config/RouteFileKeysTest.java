package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The operator's route files are refused for a key given twice (ConfigRouteCheckTest); the shipped ones must pass the same check. */
class RouteFileKeysTest {
    @Test
    void theShippedRoutesGiveEachKeyOnce() {
        assertThat(RouteFiles.routesIn(Path.of("routes"))).isNotEmpty();
        assertThatCode(() -> RouteFileKeys.requireUnique(Path.of("routes"))).doesNotThrowAnyException();
    }
}
