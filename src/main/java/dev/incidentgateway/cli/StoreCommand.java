package dev.incidentgateway.cli;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.util.List;

/**
 * A command line command that works on the store ({@code verify}, {@code rebuild-views},
 * {@code webhook-token}, {@code api-key}). The same code runs in the CLI's own JVM on a store it opened,
 * or inside a running gateway that holds the store (embedded H2 lets one process open the file), so a
 * command behaves the same whether the gateway runs or not.
 */
public interface StoreCommand {
    int OK = 0;
    /** verify found a broken link. */
    int BROKEN = 1;
    int USAGE = 2;
    int STORE_ERROR = 3;

    /** What a command may use: the store, the configuration, the SQL dialect. */
    record Context(DataSource dataSource, GatewayConfig config, SqlDialect dialect) {
    }

    /**
     * @param args the arguments after the command's name
     * @return the exit code
     */
    int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception;

    /**
     * Whether the command may create the store when there is none (an embedded H2 file not there yet): {@code api-key}
     * and {@code webhook-token} run before a first start; {@code verify} and {@code rebuild-views} need a store to read,
     * and on a missing one (a command run in another directory than the gateway's) would report an empty store as intact.
     */
    default boolean createsStore() {
        return false;
    }

    /** For a command that takes no options: prints its usage to {@code err} and says so when {@code args} has any. */
    static boolean refusesOptions(String command, List<String> args, PrintStream err) {
        if (args.isEmpty()) {
            return false;
        }
        err.println("Usage: " + command + " (it takes no options; got " + String.join(" ", args) + ")");
        return true;
    }
}
