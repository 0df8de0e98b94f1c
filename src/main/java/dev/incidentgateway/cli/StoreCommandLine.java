package dev.incidentgateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.util.List;

/**
 * Parsing of a store command's arguments with picocli, where the command runs: in the CLI's JVM, or in the running
 * gateway that the control channel handed the arguments to (as typed, so both sides parse them the same way).
 */
public final class StoreCommandLine {
    private StoreCommandLine() {
    }

    /**
     * What {@link StoreCommand#run} does: parses {@code args} into {@code declaration} (a fresh {@code @Command}
     * object), then executes the command they name on {@code ctx}. Help is printed on {@code out} (exit 0), a usage error
     * on {@code err} (exit 2); neither touches {@code ctx}.
     */
    public static int run(Object declaration, StoreCommand.Context ctx, List<String> args, PrintStream out, PrintStream err)
            throws Exception {
        CommandLine commandLine = CommandLineConventions.apply(new CommandLine(declaration), out, err);
        String[] arguments = args.toArray(String[]::new);
        StoreCommand.Parsed command;
        try {
            ParseResult parsed = commandLine.parseArgs(arguments);
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            command = checked(parsed);
        } catch (ParameterException e) {
            return commandLine.getParameterExceptionHandler().handleParseException(e, arguments);
        }
        return command.execute(ctx, out, err);
    }

    /**
     * The innermost command {@code parsed} names, once it passed {@link StoreCommand.Parsed#validate}.
     *
     * @throws ParameterException when a subcommand is missing ({@code api-key} alone) or validation failed
     */
    public static StoreCommand.Parsed checked(ParseResult parsed) {
        ParseResult innermost = parsed;
        while (innermost.hasSubcommand()) {
            innermost = innermost.subcommand();
        }
        CommandLine commandLine = innermost.commandSpec().commandLine();
        if (!(innermost.commandSpec().userObject() instanceof StoreCommand.Parsed command)) {
            throw new ParameterException(commandLine, CommandLineConventions.path(commandLine) + " needs a subcommand: "
                    + String.join(", ", commandLine.getSubcommands().keySet()));
        }
        try {
            command.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage());
        }
        return command;
    }
}
