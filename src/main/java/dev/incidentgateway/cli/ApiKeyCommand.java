package dev.incidentgateway.cli;

import dev.incidentgateway.security.TokenDigest;

import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.ApiKeys;
import dev.incidentgateway.security.Scope;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code api-key create --name NAME --scopes read,write} (prints only the new key on stdout, once),
 * {@code api-key list} (name, scopes, created, last used, revoked; never a key or a hash) and
 * {@code api-key revoke NAME}. A running gateway sees the change within seconds.
 */
public final class ApiKeyCommand implements StoreCommand {
    @Override
    public boolean createsStore() {
        return true; // before the gateway's first start (README quick start)
    }

    private static final String USAGE_TEXT = """
            usage: api-key create --name NAME --scopes SCOPE[,SCOPE...]   (scopes: read, write, operate, metrics, admin)
                   api-key list
                   api-key revoke NAME""";

    private final Clock clock;

    public ApiKeyCommand() {
        this(Clock.systemUTC());
    }

    ApiKeyCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        String sub = args.isEmpty() ? "" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        ApiKeyStore store = new ApiKeyStore(ctx.dataSource());
        return switch (sub) {
            case "create" -> create(store, rest, out, err);
            case "list" -> rest.isEmpty() ? list(store, out) : usage(err, "api-key list takes no options (got " + String.join(" ", rest) + ")");
            case "revoke" -> revoke(store, rest, out, err);
            default -> usage(err, sub.isEmpty() ? "api-key needs a subcommand" : "unknown api-key subcommand '" + sub + "'");
        };
    }

    private int create(ApiKeyStore store, List<String> args, PrintStream out, PrintStream err) throws Exception {
        String name = null;
        String scopes = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean hasValue = i + 1 < args.size();
            if (a.equals("--name") && hasValue) {
                name = args.get(++i);
            } else if (a.equals("--scopes") && hasValue) {
                scopes = args.get(++i);
            } else {
                return usage(err, "unexpected argument '" + a + "'");
            }
        }
        if (name == null || scopes == null) {
            return usage(err, "api-key create needs --name and --scopes");
        }
        Set<Scope> parsed;
        try {
            ApiKeys.checkName(name);
            parsed = Scope.parseList(scopes);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        String key = ApiKeys.generate();
        try {
            store.create(name, TokenDigest.sha256Hex(key), parsed, clock.instant());
        } catch (ApiKeyStore.NameTakenException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        out.println(key);
        err.println("Created API key '" + name + "' (" + ApiKeyStore.wire(parsed) + "). It is shown only this once: "
                + "send it as Authorization: Bearer <key>.");
        return OK;
    }

    private int list(ApiKeyStore store, PrintStream out) throws Exception {
        out.printf("%-24s %-32s %-22s %-22s %s%n", "NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED");
        for (ApiKeyStore.Listed k : store.list()) {
            out.printf("%-24s %-32s %-22s %-22s %s%n", k.name(), ApiKeyStore.wire(k.scopes()), time(k.createdAt()),
                    time(k.lastUsedAt()), time(k.revokedAt()));
        }
        return OK;
    }

    private int revoke(ApiKeyStore store, List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.size() != 1) {
            return usage(err, "api-key revoke needs exactly one key name");
        }
        if (!store.revoke(args.get(0), clock.instant())) {
            err.println("No active API key named '" + args.get(0) + "' (see api-key list).");
            return USAGE;
        }
        out.println("Revoked API key '" + args.get(0) + "'; a running gateway refuses it within seconds.");
        return OK;
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
