package dev.incidentgateway.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The CLI's side of the {@link ControlChannel}: hands one command to the running gateway and reprints its answer. */
public final class ControlChannelClient {
    private final Path dir;
    private final Duration patience;

    public ControlChannelClient(Path dir, Duration patience) {
        this.dir = dir;
        this.patience = patience;
    }

    /** @return the command's exit code, or {@link StoreCommand#STORE_ERROR} when no gateway answers in time */
    public int run(String command, List<String> args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (!ControlChannel.usable(dir)) {
            err.println("The store is in use by another process, and " + dir + " (the running gateway's control directory) "
                    + "is missing or not yours. Stop the gateway, or run this as the user that runs it.");
            return StoreCommand.STORE_ERROR;
        }
        String id = UUID.randomUUID().toString();
        Path response = dir.resolve(id + ControlChannel.RESPONSE_SUFFIX);
        Path request = dir.resolve(id + ControlChannel.REQUEST_SUFFIX);
        ControlChannel.writeAtomically(request, new ControlChannel.Request(command, args));
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(response)) {
                ControlChannel.Response answer = ControlChannel.JSON.readValue(response.toFile(), ControlChannel.Response.class);
                Files.deleteIfExists(response); // it may hold a new key: do not leave it lying around
                out.print(answer.stdout());
                err.print(answer.stderr());
                return answer.exitCode();
            }
            Thread.sleep(50);
        }
        Files.deleteIfExists(request);
        err.println("The store is in use by another process, and no running gateway answered through " + dir + " within "
                + patience.toSeconds() + " s.");
        return StoreCommand.STORE_ERROR;
    }
}
