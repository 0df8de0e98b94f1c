package dev.incidentgateway.lifecycle;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * SIGTERM in the first seconds of a start, once the store is open but before the gateway listens: the process exits 0
 * having closed the store (as a SIGTERM later does), not 143 with the store left open.
 */
class EarlySigtermIT {
    /** Logged by the audit module right after the store opened on a fresh directory, seconds before Camel starts. */
    private static final String STORE_OPEN = "Generated the audit chain key";

    @Test
    void sigtermWhileTheGatewayIsBuiltExitsZeroAndLeavesAStoreThatVerifies(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        GatewayProcess.Launched started = jar.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())));
        Process p = started.process();
        try {
            long deadline = System.nanoTime() + GatewayProcess.START_TIMEOUT.toNanos();
            while (!Files.readString(started.log()).contains(STORE_OPEN)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("no '%s' before the process ended or %s passed:%n%s", STORE_OPEN, GatewayProcess.START_TIMEOUT,
                            Files.readString(started.log()));
                }
                Thread.sleep(20);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
            String log = Files.readString(started.log());
            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).as("stopped before it listened").doesNotContain("listening on port").contains("Stopped: the store is closed");
        } finally {
            GatewayProcess.stop(p);
        }
        Command verify = jar.command(dir, "verify");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).startsWith("OK:");
    }

    /**
     * SIGTERM while the start waits for a PostgreSQL that is not up (GATEWAY_DB_STARTUP_WAIT_S): the wait ends at once
     * with exit 0, not when the wait is over (it was acted on only then, and the start ended as a store error, 3).
     */
    @Test
    void sigtermWhileWaitingForTheStoreEndsTheWaitAtOnce(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        int nothingListens = GatewayProcess.freePort();
        GatewayProcess.Launched started = jar.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()),
                "GATEWAY_DB_URL", "jdbc:postgresql://127.0.0.1:" + nothingListens + "/gateway", "GATEWAY_DB_STARTUP_WAIT_S", "600"));
        Process p = started.process();
        try {
            long deadline = System.nanoTime() + GatewayProcess.START_TIMEOUT.toNanos();
            while (!Files.readString(started.log()).contains("Waiting for the store")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("no 'Waiting for the store' before the process ended or %s passed:%n%s", GatewayProcess.START_TIMEOUT,
                            Files.readString(started.log()));
                }
                Thread.sleep(20);
            }
            long signalled = System.nanoTime();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
            String log = Files.readString(started.log());
            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).contains("Stopped while waiting for the store: nothing was started").doesNotContain("Cannot start");
            // the wait is 600 s; a pause between attempts is 250 ms, plus a JVM's exit on a loaded machine
            assertThat(tookMillis).as("ms from SIGTERM to exit").isLessThan(20_000);
        } finally {
            GatewayProcess.stop(p);
        }
    }
}
