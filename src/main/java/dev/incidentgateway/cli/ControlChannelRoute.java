package dev.incidentgateway.cli;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The running gateway's side of the {@link ControlChannel}: a Camel {@code file:} consumer picks up each
 * request file (and deletes it), runs the named {@link StoreCommand} on the gateway's own store, and
 * writes the response file the CLI waits for. Only commands registered as store commands can run.
 */
public final class ControlChannelRoute extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ControlChannelRoute.class);

    /** File times may be coarser than the command line's clock: an answer this late may still find it waiting. */
    private static final java.time.Duration MTIME_SLACK = java.time.Duration.ofSeconds(1);

    private final Path dir;
    private final Map<String, StoreCommand> commands;
    private final StoreCommand.Context context;
    /**
     * Run after each command, before its answer is written: the gateway reads its credential snapshots again, so a key
     * or token the command created or revoked is in force when the CLI returns.
     */
    private final Runnable afterCommand;

    public ControlChannelRoute(Path dir, Map<String, StoreCommand> commands, StoreCommand.Context context, Runnable afterCommand) {
        this.dir = dir;
        this.commands = Map.copyOf(commands);
        this.context = context;
        this.afterCommand = afterCommand;
    }

    @Override
    public void configure() {
        // Request files appear by an atomic rename, so they are complete when seen; hidden temporary files
        // (".…tmp") are skipped by the file component.
        fromF("file:%s?include=.*\\.request\\.json&delete=true&readLock=none&initialDelay=0&delay=100", dir.toAbsolutePath())
                .routeId("control-channel")
                .process(this::handle);
    }

    void handle(Exchange exchange) throws Exception {
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String id = fileName.substring(0, fileName.length() - ControlChannel.REQUEST_SUFFIX.length());
        Path file = dir.resolve(fileName);
        byte[] body;
        java.time.Instant asked;
        try { // read here, not through the file component, which follows links
            body = ControlChannel.readOwn(file);
            asked = Files.getLastModifiedTime(file).toInstant(); // written when the command line began to wait
        } catch (ControlChannel.NotOwnException e) {
            // Only the gateway's user (or root) can write into its 0700 directory: a stranger's file or a link is no request.
            LOG.warn("Ignored a control request: {}; only regular files of the gateway's user are run", e.getMessage());
            Files.deleteIfExists(file);
            return;
        }
        ControlChannel.Response response;
        java.time.Duration patience = StoreCommand.DEFAULT_PATIENCE;
        try {
            ControlChannel.Request request = ControlChannel.JSON.readValue(body, ControlChannel.Request.class);
            StoreCommand command = request.command() == null ? null : commands.get(request.command());
            patience = command != null ? command.patience() : patience;
            response = run(request);
        } catch (java.io.IOException e) {
            response = new ControlChannel.Response(StoreCommand.USAGE, "", "unreadable control request: " + e.getMessage() + "\n");
        }
        if (java.time.Instant.now().isAfter(asked.plus(patience).plus(MTIME_SLACK))) {
            // The command line stopped waiting and left: nobody would read or delete the answer, which stayed in the
            // directory for good (one file per late command, with its output: a new key's included).
            LOG.warn("The command line stopped waiting for its command ({} s) before it ended (exit code {}); its output is "
                    + "not kept", patience.toSeconds(), response.exitCode());
            return;
        }
        ControlChannel.writeAtomically(dir.resolve(id + ControlChannel.RESPONSE_SUFFIX), response);
    }

    ControlChannel.Response run(ControlChannel.Request request) {
        StoreCommand command = commands.get(request.command());
        if (command == null) {
            return new ControlChannel.Response(StoreCommand.USAGE, "", "unknown store command '" + request.command() + "'\n");
        }
        if (command.needsStoppedGateways()) {
            return new ControlChannel.Response(StoreCommand.USAGE, "", "'" + request.command() + "' does not run in a running "
                    + "gateway: stop every gateway on the store first\n");
        }
        LOG.info("Running '{}' for the command line (control channel)", request.command());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            try {
                code = command.run(context, request.args() == null ? List.of() : request.args(), o, e);
            } catch (Exception failure) {
                e.println(request.command() + " failed: " + dev.incidentgateway.security.Redact.text(failure.getMessage()));
                code = StoreCommand.STORE_ERROR;
            }
        }
        afterCommand.run();
        return new ControlChannel.Response(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
