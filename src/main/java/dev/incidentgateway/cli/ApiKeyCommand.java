package dev.incidentgateway.cli;

import dev.incidentgateway.security.TokenDigest;

import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.ApiKeys;
import dev.incidentgateway.security.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code api-key create --name NAME --scopes read,write} (prints only the new key on stdout, once),
 * {@code api-key list} (name, scopes, created, last used, revoked; never a key or a hash) and
 * {@code api-key revoke NAME}. A running gateway sees the change within seconds.
 */
@Command(name = "api-key", description = "API keys of the HTTP API: create, list, revoke",
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Revoke.class})
public final class ApiKeyCommand implements StoreCommand {
    private static final Clock CLOCK = Clock.systemUTC();

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new ApiKeyCommand(), ctx, args, out, err);
    }

    @Command(name = "create", description = "create a key and print it alone on stdout, once (the store keeps its SHA-256)")
    static final class Create implements Parsed {
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "1 to 64 characters of lower-case letters, digits, '.', '_' and '-'")
        private String name;

        @Option(names = "--scopes", required = true, paramLabel = "SCOPE[,SCOPE...]",
                description = "what the key may do: read, write, operate, metrics, admin")
        private String scopes;

        @Override
        public void validate() {
            ApiKeys.checkName(name);
            Scope.parseList(scopes);
        }

        @Override
        public boolean createsStore() {
            return true; // before the gateway's first start (README quick start)
        }

        @Override
        public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
            Set<Scope> parsed = Scope.parseList(scopes);
            String key = ApiKeys.generate();
            try {
                new ApiKeyStore(ctx.dataSource(), ctx.credentialRowMacs()).create(name, TokenDigest.sha256Hex(key), parsed, CLOCK.instant());
            } catch (ApiKeyStore.NameTakenException e) {
                err.println(e.getMessage());
                return USAGE;
            }
            out.println(key);
            err.println("Created API key '" + name + "' (" + ApiKeyStore.wire(parsed) + "). It is shown only this once: "
                    + "send it as Authorization: Bearer <key>.");
            return OK;
        }
    }

    @Command(name = "list", description = "name, scopes, created, last used, revoked; never a key or a hash")
    static final class ListKeys implements Parsed {
        @Override
        public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
            out.printf(Locale.ROOT, "%-24s %-32s %-22s %-22s %s%n", "NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED");
            for (ApiKeyStore.Listed k : new ApiKeyStore(ctx.dataSource(), null).list()) { // lists, writes no row: no chain key needed
                out.printf(Locale.ROOT, "%-24s %-32s %-22s %-22s %s%n", k.name(), ApiKeyStore.wire(k.scopes()), time(k.createdAt()),
                        time(k.lastUsedAt()), time(k.revokedAt()));
            }
            return OK;
        }
    }

    @Command(name = "revoke", description = "the key stops working within seconds")
    static final class Revoke implements Parsed {
        @Parameters(paramLabel = "NAME", description = "the key's name")
        private String name;

        @Override
        public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
            if (!new ApiKeyStore(ctx.dataSource(), ctx.credentialRowMacs()).revoke(name, CLOCK.instant())) {
                err.println("No active API key named '" + name + "' (see api-key list).");
                return USAGE;
            }
            out.println("Revoked API key '" + name + "'; a running gateway refuses it within seconds.");
            return OK;
        }
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
