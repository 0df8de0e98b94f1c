package dev.incidentgateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code help [COMMAND [SUBCOMMAND]...]}: the help {@code COMMAND SUBCOMMAND --help} prints (README: "help COMMAND is
 * COMMAND --help"). picocli's own help command reads only the first name, so {@code help api-key create} printed
 * {@code api-key}'s help.
 */
@Command(name = "help", helpCommand = true, description = "the help of COMMAND (and its SUBCOMMAND), as COMMAND --help prints it")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command, then a subcommand of it")
    private List<String> commands = new ArrayList<>();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(target, "Unknown command '" + String.join(" ", commands) + "'"
                        + (target.getSubcommands().isEmpty() ? "" : ". Commands: " + String.join(", ", target.getSubcommands().keySet())));
            }
            target = sub;
        }
        target.usage(out, colors);
    }
}
