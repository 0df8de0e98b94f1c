package dev.incidentgateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.ingest.GatewayTokenSources;
import dev.incidentgateway.ingest.WebhookTokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code webhook-token}: the gateway-managed bearer tokens of webhook sources (bearer without {@code auth.secretEnv}).
 * <pre>
 *   webhook-token --source NAME --rotate   issue a new token for NAME, print it alone on stdout (once);
 *                                          the previous one stops working within seconds
 *   webhook-token --source NAME            whether NAME has a token (never the token)
 *   webhook-token                          GATEWAY_WEBHOOK_TOKEN when set (as earlier versions did); otherwise
 *                                          which sources take a managed token and which have one
 * </pre>
 * Runs on {@link Context} alone, so it works the same in the CLI's JVM and inside a running gateway.
 */
@Command(name = "webhook-token", description = {"issue a webhook source's bearer token; alone: which sources have one",
        "Alone: GATEWAY_WEBHOOK_TOKEN when set (as earlier versions did); otherwise which sources take a gateway-managed "
                + "token and which have one."})
public final class WebhookTokenCommand implements StoreCommand, StoreCommand.Parsed {
    private static final String ROTATE = "java -jar incident-gateway.jar webhook-token --source <name> --rotate";

    @Option(names = "--source", paramLabel = "NAME", description = "the webhook source: alone, whether it has a token (never the token)")
    private String source;

    @Option(names = "--rotate", description = "issue a new token for the source and print it alone on stdout (once); "
            + "the previous one stops working within seconds")
    private boolean rotate;

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new WebhookTokenCommand(), ctx, args, out, err);
    }

    @Override
    public void validate() {
        if (rotate && source == null) {
            throw new IllegalArgumentException("--rotate needs --source NAME");
        }
    }

    @Override
    public boolean createsStore() {
        return true; // before the gateway's first start (README quick start): the listing there names the sources too
    }

    /**
     * {@code webhook-token} alone with GATEWAY_WEBHOOK_TOKEN set prints the caller's token (for {@code TOKEN=$(…)}), also
     * while a gateway runs: through the control channel it would answer with the gateway's settings, i.e. the list.
     */
    @Override
    public OptionalInt answerFromCallersConfig(GatewayConfig config, List<String> args, PrintStream out) {
        String shared = config.get(HttpSettings.WEBHOOK_TOKEN);
        if (!args.isEmpty() || shared.isBlank()) {
            return OptionalInt.empty();
        }
        out.println(shared);
        return OptionalInt.of(OK);
    }

    @Override
    public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
        OptionalInt shared = source == null ? answerFromCallersConfig(ctx.config(), List.of(), out) : OptionalInt.empty();
        if (shared.isPresent()) {
            return shared.getAsInt(); // as earlier versions did; needs neither the store's rows nor the chain key
        }
        Map<String, JsonNode> descriptors = Connectors.discover().descriptors(ctx.config());
        Set<String> managed = GatewayTokenSources.of(descriptors);
        WebhookTokenStore store = new WebhookTokenStore(ctx.dataSource(), ctx.credentialRowMacs());
        store.refuseLegacyToken(); // as at gateway start: adopted only by the upgrade to row MACs (CredentialRowSeal)
        if (source == null) {
            return status(managed, store.issued(), out);
        }
        Optional<String> refusal = GatewayTokenSources.whyNot(descriptors, source);
        if (refusal.isPresent()) {
            err.println("webhook-token: " + refusal.get());
            return USAGE;
        }
        if (!rotate) {
            return status(Set.of(source), store.issued(), out);
        }
        out.println(store.rotate(source));
        err.println("Issued a new token for webhook source '" + source + "' (shown only now; the store keeps its hash). "
                + "Senders use it as 'Authorization: Bearer <token>' on POST /webhooks/" + source
                + "; the previous token stops working within seconds.");
        return OK;
    }

    private static int status(Set<String> sources, Map<String, Instant> issued, PrintStream out) {
        if (sources.isEmpty()) {
            out.println("No webhook source takes a gateway-managed token (each bearer source names its own auth.secretEnv).");
            return OK;
        }
        out.println("Webhook sources with a gateway-managed bearer token:");
        for (String s : sources) {
            Instant at = issued.get(s);
            out.printf(Locale.ROOT, "  %-20s %s%n", s, at == null ? "no token yet: refuses every request (unless GATEWAY_WEBHOOK_TOKEN is set)"
                    : "token issued " + at);
        }
        out.println("Issue or replace a source's token (printed once; the previous one stops working within seconds):");
        out.println("  " + ROTATE);
        return OK;
    }
}
