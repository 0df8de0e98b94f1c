package dev.incidentgateway;

import dev.incidentgateway.connectors.ConnectorSettingsListing;
import dev.incidentgateway.cli.ApiKeyCommand;
import dev.incidentgateway.cli.CommandLineConventions;
import dev.incidentgateway.cli.RebuildViewsCommand;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cli.StoreCommandLine;
import dev.incidentgateway.cli.StoreCommandRunner;
import dev.incidentgateway.cli.VerifyCommand;
import dev.incidentgateway.cli.WebhookTokenCommand;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.store.StoreStartException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Command line of {@code incident-gateway.jar}, parsed by picocli: the commands, each with {@code --help}, and
 * {@code --version}; exit codes 0 success, 1 verification found a broken link, 2 bad usage or configuration, 3 store
 * error. Help, the version and usage errors come before the configuration is read or a store is touched.
 */
@Command(name = CommandLineConventions.JAR, mixinStandardHelpOptions = true, versionProvider = GatewayMain.ManifestVersion.class,
        description = {"Without a COMMAND: run. Every command takes --help; an option's value follows it after a space "
                + "or '=' (--name alice, --name=alice)."}, commandListHeading = "Commands:%n", footer = GatewayMain.EXIT_CODES)
public final class GatewayMain {
    static final int OK = StoreCommand.OK;
    static final int BROKEN = StoreCommand.BROKEN;
    static final int USAGE = StoreCommand.USAGE;
    static final int STORE_ERROR = StoreCommand.STORE_ERROR;
    static final String EXIT_CODES = "Exit codes: 0 success, 1 verify found a problem, 2 bad usage or configuration, 3 store error.";

    /** Commands that work on the store, by name (see {@link StoreCommand}). */
    static final Map<String, StoreCommand> STORE_COMMANDS = storeCommands();

    private final Supplier<GatewayConfig> configs;
    private final PrintStream out;
    private final PrintStream err;
    /** What a command threw: {@link #run} throws it on, as before picocli (whose default is to print it and exit 1). */
    private Exception failure;

    private GatewayMain(Supplier<GatewayConfig> configs, PrintStream out, PrintStream err) {
        this.configs = configs;
        this.out = out;
        this.err = err;
    }

    private static Map<String, StoreCommand> storeCommands() {
        Map<String, StoreCommand> m = new LinkedHashMap<>();
        m.put("verify", new VerifyCommand());
        m.put("rebuild-views", new RebuildViewsCommand());
        m.put("webhook-token", new WebhookTokenCommand());
        m.put("api-key", new ApiKeyCommand());
        m.put("backup", new dev.incidentgateway.cli.BackupCommand());
        m.put("chain-key", new dev.incidentgateway.cli.ChainKeyCommand());
        return m;
    }

    public static void main(String[] args) {
        // Also after "run": the gateway is closed by then, and a stray non-daemon thread must not keep the JVM up.
        System.exit(exitStatus(() -> run(args, GatewayConfig::load, System.out, System.err), System.err));
    }

    /**
     * The command's exit status, 1 when it throws, an Error included (printed first, as the JVM would). Before, what
     * run threw left main without its System.exit: an Error in a graceful stop (e.g. an OutOfMemoryError after one in a
     * request) ended the main thread, and any non-daemon thread still running kept the JVM up after the SIGTERM.
     */
    static int exitStatus(java.util.concurrent.Callable<Integer> command, PrintStream err) {
        try {
            return command.call();
        } catch (Throwable failed) {
            try {
                failed.printStackTrace(err);
            } catch (Throwable unprintable) { // e.g. no heap left for the trace: the exit matters more
            }
            return 1;
        }
    }

    /** Runs one command; separated from {@link #main} so tests can call it in-process. */
    static int run(String[] args, Supplier<GatewayConfig> configs, PrintStream out, PrintStream err) throws Exception {
        GatewayMain main = new GatewayMain(configs, out, err);
        int exit = main.commandLine().execute(args);
        if (main.failure != null) {
            throw main.failure;
        }
        return exit;
    }

    /** The command tree, in the order the help lists it. */
    private CommandLine commandLine() {
        CommandLine root = new CommandLine(this);
        root.addSubcommand(new RunCommand());
        STORE_COMMANDS.forEach((name, command) -> root.addSubcommand(name, command.getClass())); // a fresh instance to fill
        root.addSubcommand(new ConfigCommand());
        root.addSubcommand(new PgRolesCommand());
        root.addSubcommand(new dev.incidentgateway.cli.HelpCommand()); // follows subcommands: help api-key create
        CommandLineConventions.apply(root, out, err);
        root.setParameterExceptionHandler(this::usageError);
        root.setExecutionStrategy(this::execute);
        return root;
    }

    private int usageError(ParameterException e, String[] args) {
        if (e instanceof UnmatchedArgumentException unmatched && e.getCommandLine().getParent() == null) {
            err.println("Unknown command '" + unmatched.getUnmatched().get(0) + "'. Commands: run (default), config, pg-roles, "
                    + "help, " + String.join(", ", STORE_COMMANDS.keySet()));
            return USAGE;
        }
        return CommandLineConventions.usageError(e, args);
    }

    private int execute(ParseResult parsed) {
        try {
            return dispatch(parsed);
        } catch (ParameterException e) {
            throw e; // a usage error found after parsing: picocli hands it to usageError
        } catch (CommandLine.ExecutionException e) {
            failure = e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception e) {
            failure = e;
        }
        return STORE_ERROR; // not what the caller sees: run() throws the failure
    }

    private int dispatch(ParseResult parsed) throws Exception {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        if (!parsed.hasSubcommand()) {
            return runGateway();
        }
        ParseResult command = parsed.subcommand();
        if (command.commandSpec().userObject() instanceof StoreCommand) {
            // its usage errors too before the configuration and the store
            boolean createsStore = StoreCommandLine.checked(command).createsStore();
            String name = command.commandSpec().name();
            // The root takes no option but help and version, so the command's name is the first argument.
            List<String> args = parsed.originalArgs().subList(1, parsed.originalArgs().size());
            return runStoreCommand(name, STORE_COMMANDS.get(name), args, createsStore);
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    @Command(name = "run", description = "start the gateway (the default)")
    private final class RunCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return runGateway();
        }
    }

    @Command(name = "config", description = "every setting, its value (secrets masked), where it came from and what it does")
    private final class ConfigCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            Optional<GatewayConfig> config = config();
            if (config.isEmpty()) {
                return USAGE;
            }
            try {
                StartChecks.run(config.get()); // what stops a start before it creates anything fails this check too
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return USAGE;
            }
            out.print(config.get().describe());
            out.print(ConnectorSettingsListing.describe(config.get())); // every discovered connector's settings
            return OK;
        }
    }

    // Needs no configuration: for `… pg-roles | psql … -f -` where only the jar is.
    @Command(name = "pg-roles", description = "the least-privilege PostgreSQL roles script (for psql -f -)")
    private final class PgRolesCommand implements Callable<Integer> {
        @Override
        public Integer call() throws java.io.IOException {
            return printResource(PG_ROLES_SCRIPT, out, err);
        }
    }

    /** The version in the jar's manifest (Implementation-Version, written by the shade plugin from the project's). */
    static final class ManifestVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GatewayMain.class.getPackage().getImplementationVersion();
            return new String[] {"incident-gateway " + (version == null ? "(version unknown: not run from the packaged jar)" : version)};
        }
    }

    /** The configuration, or empty after printing why it is bad (exit {@link #USAGE}). */
    private Optional<GatewayConfig> config() {
        try {
            return Optional.of(configs.get());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Starts the gateway and runs it until SIGTERM / Ctrl-C. The signal handlers come first (see
     * {@link ShutdownSignals#install}): reading the configuration and opening the store take seconds.
     */
    private int runGateway() throws Exception {
        ShutdownSignals signals = ShutdownSignals.install();
        try {
            GatewayConfig config = configs.get();
            dev.incidentgateway.lifecycle.GatewayLogging.apply(config); // GATEWAY_LOG_LEVEL / _FORMAT, before anything logs
            Gateway.create(config).runUntilStopped(signals);
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

    /** The store command with the configuration (a bad one: exit {@link #USAGE}), where {@link StoreCommandRunner} runs it. */
    private int runStoreCommand(String name, StoreCommand command, List<String> args, boolean createsStore) {
        Optional<GatewayConfig> loaded = config();
        if (loaded.isEmpty()) {
            return USAGE;
        }
        return new StoreCommandRunner(out, err).run(name, command, args, createsStore, loaded.get());
    }
}
