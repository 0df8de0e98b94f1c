package dev.incidentgateway;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What main hands to System.exit: the command's status, and 1 when it throws, an Error too (then printed). An Error
 * that escaped main skipped System.exit, and a non-daemon thread left running kept the JVM up after a SIGTERM.
 */
class GatewayMainExitTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void anErrorThrownByTheCommandIsExitStatusOneAfterItsTrace() {
        int status = GatewayMain.exitStatus(() -> {
            throw new NoClassDefFoundError("injected: Could not initialize class org.apache.camel.main.MainSupport");
        }, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("NoClassDefFoundError: injected");
    }

    @Test
    void theCommandsOwnStatusIsPassedOn() {
        assertThat(GatewayMain.exitStatus(() -> 3, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(err.size()).isZero();
    }
}
