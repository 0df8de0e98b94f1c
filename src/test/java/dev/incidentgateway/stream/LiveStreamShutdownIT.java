package dev.incidentgateway.stream;

import dev.incidentgateway.testsupport.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to the real process with a live stream open (the operator console keeps one): the stream is ended at the
 * stop's first step, so the stop does not wait it out. It used to count as a request in flight, which held every stop
 * for the whole GATEWAY_SHUTDOWN_TIMEOUT_S and then warned of an unanswered request. The stop logs no WARN.
 */
class LiveStreamShutdownIT {
    @Test
    void sigtermWithAStreamOpenEndsTheStreamAndExitsWithoutWaitingOutTheTimeout(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        Map<String, String> env = Map.of("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()),
                "GATEWAY_SHUTDOWN_TIMEOUT_S", "30");
        String key = jar.createApiKey(dir, env, "console", "read");
        GatewayProcess.Launched started = jar.start(dir, env);
        Process p = started.process();
        try {
            jar.awaitHealthy(started);
            try (SseSubscriber stream = SseSubscriber.open(started.port(), key, "")) {
                assertThat(stream.status()).isEqualTo(200);
                p.destroy(); // SIGTERM
                // Generous: an idle stop takes about half a second; waiting out the stream took the whole 30 s.
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s of SIGTERM (timeout 30 s); log:%n%s",
                        Files.readString(started.log())).isTrue();
                assertThat(stream.awaitFinished(Duration.ofSeconds(10))).as("the stream's response ended").isTrue();
                assertThat(stream.comments()).as("a last comment says why the stream ends")
                        .anyMatch(c -> c.contains("shutting down"));
            }
        } finally {
            GatewayProcess.stop(p);
        }
        String log = Files.readString(started.log());
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).doesNotContain("still unanswered").contains("Stopped: the store is closed");
        // A clean stop warns of nothing: closing the live stream after Vert.x stopped once logged
        // "WARN GracefulShutdown - Closing LiveStream failed: event executor terminated" on every SIGTERM.
        assertThat(log.substring(log.indexOf("Stopping:"))).as(log).doesNotContain(" WARN ", " ERROR ");
    }
}
