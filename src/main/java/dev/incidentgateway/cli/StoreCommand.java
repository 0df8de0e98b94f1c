package dev.incidentgateway.cli;

import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.store.SqlDialect;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

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
        /**
         * The MACs that credential rows are written with, from the chain key where the command runs (as {@code verify}
         * finds it; generated, as a first start would, on a store that has none yet). Rows from before row MACs were sealed
         * by the upgrade that brought them (CredentialRowSeal), never here.
         *
         * @throws dev.incidentgateway.config.ConfigException when the key is not here or not the store's (exit 2)
         */
        public CredentialRowMacs credentialRowMacs() {
            return CredentialRowMacs.from(ChainKeys.forGateway(config, dataSource));
        }
    }

    /**
     * @param args the arguments after the command's name (what was typed; the command parses them itself, so the
     *             control channel hands a running gateway the same list)
     * @return the exit code
     */
    int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception;

    /**
     * The arguments as a running gateway gets them through the control channel. It runs in its own working directory,
     * so a command whose arguments name the caller's files resolves them first (default: as typed).
     */
    default List<String> argsForRunningGateway(List<String> args) {
        return args;
    }

    /**
     * Whether the command runs only while no gateway runs on the store ({@code chain-key rotate}): then it is never handed
     * to a running gateway through the control channel, and refused (exit {@link #USAGE}) while one holds the store.
     */
    default boolean needsStoppedGateways() {
        return false;
    }

    /** How long the CLI waits for a running gateway to answer a command, unless the command says otherwise. */
    java.time.Duration DEFAULT_PATIENCE = java.time.Duration.ofSeconds(30);

    /** How long the CLI waits for a running gateway to answer this command through the control channel. */
    default java.time.Duration patience() {
        return DEFAULT_PATIENCE;
    }

    /**
     * An answer that comes from the caller's own configuration, given without the store when a running gateway holds it
     * (the gateway's configuration, which would answer through the control channel, may differ); empty: the command
     * needs the store. {@code args} passed the usage checks already.
     */
    default OptionalInt answerFromCallersConfig(GatewayConfig config, List<String> args, PrintStream out) {
        return OptionalInt.empty();
    }

    /**
     * A store command, or one of {@code api-key}'s subcommands, as picocli declares and fills it: its options are fields,
     * set from the arguments before {@link #execute}. {@link StoreCommand#run} parses into a fresh one each time, so the
     * registered command (shared by the gateway's control channel) keeps no state between runs.
     */
    interface Parsed {
        /**
         * Checks what picocli cannot declare (an option that needs another, a value's syntax). It runs before any store
         * is opened, in the CLI's JVM, so a usage error never creates or opens one.
         *
         * @throws IllegalArgumentException naming the problem (a usage error, exit {@link #USAGE})
         */
        default void validate() {
        }

        /**
         * Whether the command may create or upgrade the store (an embedded H2 file not there yet, an empty PostgreSQL
         * schema, an older one): {@code api-key create} and {@code webhook-token} run before a first start. Every
         * other command needs this gateway's store as it is: on a missing one (run in another directory, or on PostgreSQL
         * with a search_path a restore lost) it would report an empty store as intact, and it must not upgrade a schema
         * under gateways of the older version.
         */
        default boolean createsStore() {
            return false;
        }

        /** @return the exit code */
        int execute(Context ctx, PrintStream out, PrintStream err) throws Exception;
    }
}
