package dev.incidentgateway;

import dev.incidentgateway.connectors.ConnectorSettingsListing;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.cli.ApiKeyCommand;
import dev.incidentgateway.cli.ControlChannel;
import dev.incidentgateway.cli.ControlChannelClient;
import dev.incidentgateway.cli.EmbeddedStoreLock;
import dev.incidentgateway.cli.RebuildViewsCommand;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.VerifyCommand;
import dev.incidentgateway.cli.WebhookTokenCommand;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.security.Redact;
import dev.incidentgateway.store.H2DataDirectory;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.store.StoreStartException;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Command line of {@code incident-gateway.jar}: the commands and exit codes are {@link #USAGE_TEXT} (what {@code help}
 * prints); exit codes 0 success, 1 verification found a broken link, 2 bad usage or configuration, 3 store error.
 */
public final class GatewayMain {
    static final int OK = StoreCommand.OK;
    static final int BROKEN = StoreCommand.BROKEN;
    static final int USAGE = StoreCommand.USAGE;
    static final int STORE_ERROR = StoreCommand.STORE_ERROR;

    /** Commands that work on the store, by name (see {@link StoreCommand}). */
    static final Map<String, StoreCommand> STORE_COMMANDS = storeCommands();

    private GatewayMain() {
    }

    private static Map<String, StoreCommand> storeCommands() {
        Map<String, StoreCommand> m = new LinkedHashMap<>();
        m.put("verify", new VerifyCommand());
        m.put("rebuild-views", new RebuildViewsCommand());
        m.put("webhook-token", new WebhookTokenCommand());
        m.put("api-key", new ApiKeyCommand());
        return m;
    }

    public static void main(String[] args) throws Exception {
        // Also after "run": the gateway is closed by then, and a stray non-daemon thread must not keep the JVM up.
        System.exit(run(args, GatewayConfig::load, System.out, System.err));
    }

    /** Runs one command; separated from {@link #main} so tests can call it in-process. */
    static int run(String[] args, java.util.function.Supplier<GatewayConfig> configs, PrintStream out, PrintStream err)
            throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        List<String> options = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            out.print(USAGE_TEXT);
            return OK;
        }
        if ((command.equals("run") || command.equals("config") || command.equals("pg-roles"))
                && StoreCommand.refusesOptions(command, options, err)) {
            return USAGE;
        }
        if (command.equals("pg-roles")) { // needs no configuration: for `… pg-roles | psql … -f -` where only the jar is
            return printResource(PG_ROLES_SCRIPT, out, err);
        }
        if (command.equals("run")) {
            return runGateway(configs, err);
        }
        GatewayConfig config;
        try {
            config = configs.get();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        if (command.equals("config")) {
            out.print(config.describe());
            out.print(ConnectorSettingsListing.describe(config)); // every discovered connector's settings
            return OK;
        }
        StoreCommand storeCommand = STORE_COMMANDS.get(command);
        if (storeCommand == null) {
            err.println("Unknown command '" + command + "'. Commands: run (default), config, pg-roles, help, "
                    + String.join(", ", STORE_COMMANDS.keySet()));
            return USAGE;
        }
        return runStoreCommand(command, storeCommand, config, options, out, err);
    }

    /**
     * Starts the gateway and runs it until SIGTERM / Ctrl-C. The signal handlers come first (see
     * {@link ShutdownSignals#install}): reading the configuration and opening the store take seconds.
     */
    private static int runGateway(java.util.function.Supplier<GatewayConfig> configs, PrintStream err) throws Exception {
        ShutdownSignals signals = ShutdownSignals.install();
        try {
            Gateway.create(configs.get()).runUntilStopped(signals);
            return OK;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (StoreStartException.Stopped e) {
            err.println(e.getMessage());
            return OK; // the operator asked for it: as a stop after the start (exit 0), not a store error
        } catch (StoreStartException e) {
            err.println("Cannot start: " + e.getMessage());
            return STORE_ERROR;
        } finally {
            signals.finished();
        }
    }

    static final String USAGE_TEXT = """
            Usage: java -jar incident-gateway.jar [COMMAND]
              run (default)       start the gateway
              verify [--checkpoint FILE] [--public-key FILE]...
                                  check the audit chain (exit 1 with a line per problem)
              rebuild-views       recompute the incidents view from the event log
              webhook-token [--source NAME --rotate]
                                  issue a webhook source's bearer token; alone: which sources have one
              api-key create --name N --scopes read,write | list | revoke N
                                  API keys of the HTTP API
              config              every setting, its value (secrets masked), where it came from and what it does
              pg-roles            the least-privilege PostgreSQL roles script (for psql -f -)
            Exit codes: 0 success, 1 verify found a problem, 2 bad usage or configuration, 3 store error.
            """;

    /** The least-privilege roles script (README, "PostgreSQL with least privilege"), packaged in the jar. */
    static final String PG_ROLES_SCRIPT = "scripts/pg-roles.sql";

    private static int printResource(String name, PrintStream out, PrintStream err) throws java.io.IOException {
        try (java.io.InputStream in = GatewayMain.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                err.println(name + " is not in this jar");
                return STORE_ERROR;
            }
            out.write(in.readAllBytes());
            out.flush();
            return OK;
        }
    }

    /**
     * Opens (and migrates) the store, runs the command on it, closes the store. When a running gateway holds
     * the embedded H2 file, hands the command to that gateway through its {@link ControlChannel} instead.
     */
    private static int runStoreCommand(String name, StoreCommand command, GatewayConfig config, List<String> args,
                                       PrintStream out, PrintStream err) {
        Optional<H2DataDirectory> h2 = H2DataDirectory.of(config.get(GatewayConfig.DB_URL));
        try {
            // First: the lock probe takes a store this user cannot open for a free one, and the wait then is 30 s.
            h2.ifPresent(H2DataDirectory::checkAccess);
        } catch (StoreStartException e) {
            err.println(name + " failed: " + e.getMessage());
            return STORE_ERROR;
        }
        if (EmbeddedStoreLock.heldByAnotherProcess(config)) {
            try {
                return new ControlChannelClient(ControlChannel.directoryFor(config.get(GatewayConfig.DB_URL)).orElseThrow(),
                        java.time.Duration.ofSeconds(30)).run(name, args, out, err);
            } catch (Exception e) {
                err.println(name + " failed: cannot reach the running gateway: " + Redact.text(e.getMessage()));
                return STORE_ERROR;
            }
        }
        Optional<java.nio.file.Path> newStore = h2.map(H2DataDirectory::databaseFile).filter(file -> !java.nio.file.Files.exists(file));
        if (newStore.isPresent() && !command.createsStore()) {
            err.println(name + " failed: there is no store at " + newStore.get() + " (" + GatewayConfig.DB_URL.env() + "): run it "
                    + "in the gateway's working directory or set " + GatewayConfig.DB_URL.env() + " as the gateway has it; nothing was created");
            return STORE_ERROR;
        }
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            StoreCommand.Context ctx = new StoreCommand.Context(ds, config, SqlDialect.forUrl(config.get(GatewayConfig.DB_URL)));
            int exit = command.run(ctx, args, out, err);
            newStore.ifPresent(file -> err.println("Note: there was no store at " + file + ": a new one was created there. A gateway "
                    + "started in another directory (or with another " + GatewayConfig.DB_URL.env() + ") does not see it."));
            return exit;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println(name + " failed: " + Redact.text(e.getMessage())); // a driver's message may quote the URL
            return STORE_ERROR;
        }
    }
}
