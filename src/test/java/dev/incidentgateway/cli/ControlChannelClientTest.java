package dev.incidentgateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's side of the control channel while a gateway starts: the gateway locks the store seconds before it creates
 * its control directory, and a command run in that window (the quick start's "second terminal") was told the
 * directory is "missing or not yours" although the same user runs both.
 */
class ControlChannelClientTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aControlDirectoryThatAppearsWhileTheGatewayStartsIsWaitedForAndUsed(@TempDir Path data) throws Exception {
        Path control = data.resolve("control");
        // The "gateway": creates its control directory a while after the command started, then answers one request.
        CompletableFuture<Void> gateway = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(700);
                ControlChannel.prepare(control);
                answerOneRequest(control, new ControlChannel.Response(0, "key\n", ""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int exit = client(control, Duration.ofSeconds(30)).run("api-key", List.of("create"), print(out), print(err));
        assertThat(exit).as("stderr: %s", text(err)).isZero();
        gateway.get(30, TimeUnit.SECONDS);
        assertThat(text(out)).isEqualTo("key\n");
        assertThat(text(err)).as("said once that it waits").containsOnlyOnce("waiting up to 30 s for the starting gateway");
    }

    @Test
    void aControlDirectoryThatNeverAppearsEndsTheWaitWithTheUsualMessage(@TempDir Path data) throws Exception {
        Path control = data.resolve("control");
        int exit = client(control, Duration.ofMillis(500)).run("api-key", List.of("create"), print(out), print(err));
        assertThat(exit).isEqualTo(StoreCommand.STORE_ERROR);
        assertThat(text(err)).contains("waiting up to").contains("is missing or not yours");
        assertThat(control).doesNotExist();
    }

    @Test
    void anExistingControlDirectoryIsUsedWithoutWaiting(@TempDir Path data) throws Exception {
        Path control = ControlChannel.prepare(data.resolve("control"));
        CompletableFuture<Void> gateway = CompletableFuture.runAsync(() -> {
            try {
                answerOneRequest(control, new ControlChannel.Response(5, "", "refused\n"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int exit = client(control, Duration.ofSeconds(30)).run("api-key", List.of("revoke"), print(out), print(err));
        gateway.get(30, TimeUnit.SECONDS);
        assertThat(exit).isEqualTo(5);
        assertThat(text(err)).isEqualTo("refused\n");
    }

    private static ControlChannelClient client(Path control, Duration startWait) {
        return new ControlChannelClient(control, Duration.ofSeconds(30), startWait);
    }

    /** What the gateway's control route does, by hand: waits for a request file and writes the response beside it. */
    private static void answerOneRequest(Path control, ControlChannel.Response response) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(control)) {
                var request = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(ControlChannel.REQUEST_SUFFIX))
                        .filter(n -> !n.startsWith(".")).findFirst();
                if (request.isPresent()) {
                    String id = request.get().substring(0, request.get().length() - ControlChannel.REQUEST_SUFFIX.length());
                    Files.delete(control.resolve(request.get()));
                    ControlChannel.writeAtomically(control.resolve(id + ControlChannel.RESPONSE_SUFFIX), response);
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no request arrived in " + control);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
