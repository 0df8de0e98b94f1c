package dev.incidentgateway.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.CredentialRowSeal;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.Redact;
import dev.incidentgateway.store.H2DataDirectory;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.store.StoreStartException;
import dev.incidentgateway.store.StoreTimeouts;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a parsed {@link StoreCommand} runs, once the command line ({@code GatewayMain}) has checked its usage and loaded
 * the configuration: on the store this JVM opens, or, when a running gateway holds the embedded H2 file, inside that
 * gateway through its {@link ControlChannel}. Every failure is one line on {@code err} naming the command, and an exit
 * code of {@link StoreCommand}.
 */
public final class StoreCommandRunner {
    private final PrintStream out;
    private final PrintStream err;

    public StoreCommandRunner(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Opens the store (creates or migrates it only when {@code createsStore}, see {@link StoreCommand.Parsed#createsStore}),
     * runs the command on it, closes the store. When a running gateway holds the embedded H2 file, hands the command to
     * that gateway through its {@link ControlChannel} instead.
     *
     * @param name the command's name, as typed and as the control channel knows it
     * @param args the arguments after the command's name
     * @return the exit code
     */
    public int run(String name, StoreCommand command, List<String> args, boolean createsStore, GatewayConfig config) {
        Optional<H2DataDirectory> h2 = H2DataDirectory.of(config.get(StoreSettings.DB_URL));
        try {
            // First: the lock probe takes a store this user cannot open for a free one, and the wait then is 30 s.
            h2.ifPresent(H2DataDirectory::checkAccess);
        } catch (StoreStartException e) {
            err.println(name + " failed: " + e.getMessage());
            return StoreCommand.STORE_ERROR;
        }
        if (EmbeddedStoreLock.heldByAnotherProcess(config)) {
            return runInRunningGateway(name, command, args, config);
        }
        Optional<Path> newStore = h2.map(H2DataDirectory::databaseFile).filter(file -> !Files.exists(file));
        if (newStore.isPresent() && !createsStore) {
            err.println(name + " failed: there is no store at " + newStore.get() + " (" + StoreSettings.DB_URL.env() + "): run it "
                    + "in the gateway's working directory or set " + StoreSettings.DB_URL.env() + " as the gateway has it; nothing was created");
            return StoreCommand.STORE_ERROR;
        }
        try (HikariDataSource ds = createsStore ? StoreFactory.openAndMigrate(config, StoreTimeouts.connectOnly(),
                CredentialRowSeal.atUpgrade(config)) : StoreFactory.openExisting(config)) {
            StoreCommand.Context ctx = new StoreCommand.Context(ds, config, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)));
            int exit = command.run(ctx, args, out, err);
            newStore.ifPresent(file -> err.println("Note: there was no store at " + file + ": a new one was created there. A gateway "
                    + "started in another directory (or with another " + StoreSettings.DB_URL.env() + ") does not see it."));
            return exit;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return StoreCommand.USAGE;
        } catch (StoreStartException e) {
            err.println(name + " failed: " + e.getMessage()); // one line of ours, with what it quotes redacted: not cut
            return StoreCommand.STORE_ERROR;
        } catch (Exception e) {
            err.println(name + " failed: " + Redact.text(e.getMessage())); // a driver's message may quote the URL
            return StoreCommand.STORE_ERROR;
        }
    }

    /** The command while a running gateway holds the embedded H2 file: refused, answered here, or run by that gateway. */
    private int runInRunningGateway(String name, StoreCommand command, List<String> args, GatewayConfig config) {
        if (command.needsStoppedGateways()) {
            err.println(ChainKeyCommand.STOP_GATEWAYS + " (a running gateway holds the store "
                    + Redact.url(config.get(StoreSettings.DB_URL)) + ")");
            return StoreCommand.USAGE;
        }
        OptionalInt ownAnswer = command.answerFromCallersConfig(config, args, out);
        if (ownAnswer.isPresent()) {
            return ownAnswer.getAsInt();
        }
        try {
            return new ControlChannelClient(ControlChannel.directoryFor(config.get(StoreSettings.DB_URL)).orElseThrow(),
                    command.patience(), Duration.ofSeconds(30)).run(name, command.argsForRunningGateway(args), out, err);
        } catch (Exception e) {
            err.println(name + " failed: cannot reach the running gateway: " + Redact.text(e.getMessage()));
            return StoreCommand.STORE_ERROR;
        }
    }
}
