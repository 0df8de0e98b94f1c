package dev.incidentgateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * How every picocli command line of the gateway is set up, the whole jar's ({@code GatewayMain}) as well as one store
 * command's parsed again where it runs ({@link StoreCommandLine}): {@code -h}/{@code --help} on every command and
 * subcommand, help on stdout, and a usage error as the problem and the synopsis of the command it is about on stderr,
 * with exit code {@link StoreCommand#USAGE} (picocli's default handler prints the whole usage, which buries the problem).
 */
public final class CommandLineConventions {
    /** The root command's name: the invocation that the root's help shows. */
    public static final String JAR = "java -jar incident-gateway.jar";
    private static final int HELP_WIDTH = 100;

    private CommandLineConventions() {
    }

    /** Sets up {@code commandLine} and every subcommand it has by now; returns it. */
    public static CommandLine apply(CommandLine commandLine, PrintStream out, PrintStream err) {
        addHelpOption(commandLine);
        commandLine.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        commandLine.setUsageHelpWidth(HELP_WIDTH);
        commandLine.setParameterExceptionHandler(CommandLineConventions::usageError);
        return commandLine;
    }

    /** One declaration of the help option for the whole tree, rather than one per command class. */
    private static void addHelpOption(CommandLine commandLine) {
        if (commandLine.getCommandSpec().optionsMap().get("--help") == null) {
            commandLine.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help and exit.").build());
        }
        commandLine.getSubcommands().values().forEach(CommandLineConventions::addHelpOption);
    }

    /** Prints the problem and the synopsis of the command it is about on stderr; returns {@link StoreCommand#USAGE}. */
    public static int usageError(ParameterException e, String[] args) {
        if (e instanceof MissingParameterException) {
            // picocli checks required options before unknown ones: "api-key create --bogus" said "Missing required
            // options: '--name=NAME', …". The option the command does not take is the mistake to name (README).
            List<String> unknown = unknownOptions(e.getCommandLine(), args);
            if (!unknown.isEmpty()) {
                e = new UnmatchedArgumentException(e.getCommandLine(), unknown);
            }
        }
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(problem(e, args));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Usage: " + relative(commandLine, commandLine.getHelp().synopsis(0).strip()));
        err.flush();
        return StoreCommand.USAGE;
    }

    /**
     * The arguments that look like options ({@code -x}, {@code --name[=value]}) and that neither {@code commandLine} nor
     * a command above it takes; an option's value and everything after {@code --} are skipped.
     */
    static List<String> unknownOptions(CommandLine commandLine, String[] args) {
        List<String> unknown = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            OptionSpec option = null;
            for (CommandLine c = commandLine; c != null && option == null; c = c.getParent()) {
                option = c.getCommandSpec().optionsMap().get(name);
            }
            if (option == null) {
                unknown.add(arg);
            } else if (!arg.contains("=") && option.arity().max() > 0) {
                i++; // its value, which may start with '-'
            }
        }
        return unknown;
    }

    /** The command as typed after the jar: {@code api-key create}. */
    public static String path(CommandLine commandLine) {
        return relative(commandLine, commandLine.getCommandSpec().qualifiedName());
    }

    /** A usage error names a command as typed after the jar, as the previous parser's did ("Usage: verify …"). */
    private static String relative(CommandLine commandLine, String text) {
        return commandLine.getParent() != null && text.startsWith(JAR + " ") ? text.substring(JAR.length() + 1) : text;
    }

    /**
     * picocli's message, except for an option given without its value: "--source needs a NAME" (as the previous parser
     * said), where picocli reports the same exception as for a required option left out.
     */
    private static String problem(ParameterException e, String[] args) {
        if (e instanceof MissingParameterException missing) {
            List<String> given = Arrays.asList(args);
            for (ArgSpec spec : missing.getMissing()) {
                if (spec instanceof OptionSpec option && Arrays.stream(option.names()).anyMatch(given::contains)) {
                    return option.longestName() + " needs a " + option.paramLabel();
                }
            }
        }
        return e.getMessage();
    }
}
