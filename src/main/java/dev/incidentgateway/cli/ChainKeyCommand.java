package dev.incidentgateway.cli;

import dev.incidentgateway.audit.ChainKeyRotation;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.audit.RetiredChainKeys;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code chain-key rotate}: replaces the audit chain key of a stopped store ({@link ChainKeyRotation}). Offline only: a
 * gateway still running would go on hashing with the old key after the boundary.
 */
@Command(name = "chain-key", description = "the audit chain key: rotate (every gateway on the store stopped)",
        subcommands = {ChainKeyCommand.Rotate.class})
public final class ChainKeyCommand implements StoreCommand {
    public static final String STOP_GATEWAYS = "Stop every gateway on this store first: chain-key rotate runs only on a stopped store";

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new ChainKeyCommand(), ctx, args, out, err);
    }

    @Override
    public boolean needsStoppedGateways() {
        return true;
    }

    @Command(name = "rotate", description = {"replace the chain key: events so far stay hashed with the old key (kept in "
            + "chain-keys-retired), later ones use a new key in chain.key; API key and webhook token rows are sealed anew",
            "Every gateway on the store must be stopped. Needs the key in the key file, not GATEWAY_CHAIN_KEY."})
    static final class Rotate implements Parsed {
        @Override
        public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
            GatewayConfig config = ctx.config();
            if (!config.get(AuditSettings.CHAIN_KEY).isBlank()) {
                err.println(AuditSettings.CHAIN_KEY.env() + " is set: chain-key rotate replaces the key file only. Write the "
                        + "variable's key into " + ChainKeys.keyFile(config) + ", unset the variable, rotate, then set the variable "
                        + "to the new content of that file (or leave it unset)");
                return USAGE;
            }
            if (ctx.dialect() == SqlDialect.POSTGRESQL) {
                long running = runningGatewaySessions(ctx);
                if (running > 0) {
                    err.println(STOP_GATEWAYS + " (" + running + " connection" + (running == 1 ? "" : "s") + " with application_name '"
                            + StoreFactory.GATEWAY_APPLICATION_NAME + "' in pg_stat_activity)");
                    return USAGE;
                }
            }
            ChainKeyRotation.Result r;
            try {
                r = ChainKeyRotation.rotate(config, ctx.dataSource(), ctx.dialect());
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return USAGE;
            }
            if (r.finishedPrevious()) {
                out.println("Finished the chain key rotation that was interrupted after its commit: " + ChainKeys.keyFile(config)
                        + " holds the new key.");
                return OK;
            }
            out.println("Rotated the chain key: events up to " + (r.lastEventId() == null ? "now (none yet)" : r.lastEventId())
                    + " stay hashed with the old key, now in " + RetiredChainKeys.file(config) + "; later events use the new key in "
                    + ChainKeys.keyFile(config) + ".");
            out.println("Back up the keys directory now (both files): verify needs every retired key. Gateways sharing this "
                    + "database need the new chain.key.");
            if (!r.refusedKeys().isEmpty() || !r.refusedTokens().isEmpty()) {
                err.println("Not sealed anew, because their rows did not verify before (changed outside the gateway; still "
                        + "refused): API keys " + r.refusedKeys() + ", webhook tokens of " + r.refusedTokens());
            }
            return OK;
        }
    }

    /** Connections of running gateways: they name themselves (StoreFactory.GATEWAY_APPLICATION_NAME); this command does not. */
    private static long runningGatewaySessions(Context ctx) throws SQLException {
        try (Connection c = ctx.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND application_name = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, StoreFactory.GATEWAY_APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
