package dev.incidentgateway.cli;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.ingest.WebhookTokenStore;

import java.io.PrintStream;
import java.util.List;

/** {@code webhook-token}: prints the webhook bearer token (GATEWAY_WEBHOOK_TOKEN or the generated one). */
public final class WebhookTokenCommand implements StoreCommand {
    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        String configured = ctx.config().get(GatewayConfig.WEBHOOK_TOKEN);
        out.println(configured.isBlank() ? new WebhookTokenStore(ctx.dataSource()).getOrCreate() : configured);
        return OK;
    }
}
