package dev.incidentgateway.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The CLI's side of the {@link ControlChannel}: hands one command to the running gateway and reprints its answer. */
public final class ControlChannelClient {
    private static final long START_POLL_MILLIS = 200;
    private final Path dir;
    private final Duration patience;
    private final Duration startWait;

    /**
     * @param patience  how long the gateway may take to answer a request
     * @param startWait how long to wait for a missing control directory: a gateway that is starting locks the store
     *                  seconds before it creates the directory, and the quick start's "second terminal" runs into that
     */
    public ControlChannelClient(Path dir, Duration patience, Duration startWait) {
        this.dir = dir;
        this.patience = patience;
        this.startWait = startWait;
    }

    /** @return the command's exit code, or {@link StoreCommand#STORE_ERROR} when no gateway answers in time */
    public int run(String command, List<String> args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (!ControlChannel.usable(dir) && !awaitStartingGateway(err)) {
            Optional<String> whose = Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? ControlChannel.notOwn(dir, true) : Optional.empty();
            err.println("The store is in use by another process, and " + dir + " (the running gateway's control directory) "
                    + "is missing or not yours" + whose.map(why -> " (" + why + ")").orElse("")
                    + ". Stop the gateway, or run this as the user that runs it.");
            return StoreCommand.STORE_ERROR;
        }
        String id = UUID.randomUUID().toString();
        Path response = dir.resolve(id + ControlChannel.RESPONSE_SUFFIX);
        Path request = dir.resolve(id + ControlChannel.REQUEST_SUFFIX);
        ControlChannel.writeAtomically(request, new ControlChannel.Request(command, args));
        long deadline = System.nanoTime() + patience.toNanos();
        // One look after the deadline too: the gateway writes no answer past it, and one written while this slept is read.
        for (boolean last = false; !last; ) {
            last = System.nanoTime() >= deadline;
            if (Files.exists(response, LinkOption.NOFOLLOW_LINKS)) {
                ControlChannel.Response answer;
                try {
                    answer = ControlChannel.JSON.readValue(ControlChannel.readOwn(response), ControlChannel.Response.class);
                } finally {
                    Files.deleteIfExists(response); // it may hold a new key: do not leave it lying around
                }
                out.print(answer.stdout());
                err.print(answer.stderr());
                return answer.exitCode();
            }
            if (!last) {
                Thread.sleep(50);
            }
        }
        Files.deleteIfExists(request);
        err.println("The store is in use by another process, and no running gateway answered through " + dir + " within "
                + patience.toSeconds() + " s.");
        return StoreCommand.STORE_ERROR;
    }

    /**
     * Waits up to {@link #startWait} for a control directory that does not exist yet; true once it is usable. One that
     * exists but is someone else's is not waited for: that will not change.
     */
    private boolean awaitStartingGateway(PrintStream err) throws IOException, InterruptedException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        err.println("The store is in use by another process; waiting up to " + startWait.toSeconds() + " s for the starting "
                + "gateway's control directory " + dir + " ...");
        long deadline = System.nanoTime() + startWait.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(START_POLL_MILLIS);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return ControlChannel.usable(dir);
            }
        }
        return false;
    }
}
