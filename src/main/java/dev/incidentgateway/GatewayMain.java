package dev.incidentgateway;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.timeline.ChainVerifier;
import dev.incidentgateway.timeline.ViewRebuilder;

import java.io.PrintStream;

/**
 * Command line of {@code incident-gateway.jar}:
 * <pre>
 *   (no command) | run   start the gateway
 *   verify              check every incident's audit hash chain; exit 1 at the first broken link
 *   rebuild-views       recompute the incidents view from the event log
 *   webhook-token       print the webhook bearer token (GATEWAY_WEBHOOK_TOKEN or the generated one)
 *   config              print every setting, its value (secrets masked) and its documentation
 * </pre>
 * Exit codes: 0 success, 1 verification found a broken link, 2 bad usage or configuration, 3 store error.
 */
public final class GatewayMain {
    static final int OK = 0;
    static final int BROKEN = 1;
    static final int USAGE = 2;
    static final int STORE_ERROR = 3;

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, GatewayConfig::load, System.out, System.err);
        if (code != OK || args.length > 0 && !args[0].equals("run")) {
            System.exit(code);
        }
    }

    /** Runs one command; separated from {@link #main} so tests can call it in-process. */
    static int run(String[] args, java.util.function.Supplier<GatewayConfig> configs, PrintStream out, PrintStream err)
            throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        GatewayConfig config;
        try {
            config = configs.get();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        switch (command) {
            case "run" -> {
                try {
                    Gateway.create(config).runUntilStopped();
                } catch (ConfigException e) {
                    err.println(e.getMessage());
                    return USAGE;
                }
                return OK;
            }
            case "verify" -> {
                return verify(config, out, err);
            }
            case "rebuild-views" -> {
                return rebuildViews(config, out, err);
            }
            case "webhook-token" -> {
                return webhookToken(config, out, err);
            }
            case "config" -> {
                out.print(config.describe());
                return OK;
            }
            default -> {
                err.println("Unknown command '" + command + "'. Commands: run (default), verify, rebuild-views, webhook-token, config");
                return USAGE;
            }
        }
    }

    private static int verify(GatewayConfig config, PrintStream out, PrintStream err) {
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            ChainVerifier.Report report = new ChainVerifier(ds).verifyAll();
            if (report.intact()) {
                out.printf("OK: %d incidents, %d events; every hash chain is intact%n", report.incidents(), report.events());
                return OK;
            }
            for (ChainVerifier.BrokenLink link : report.broken()) {
                out.printf("BROKEN: incident %s at seq %d (event %s): %s%n", link.incidentId(), link.seq(), link.eventId(),
                        link.reason());
            }
            out.printf("%d of %d incidents have a broken hash chain%n", report.broken().size(), report.incidents());
            return BROKEN;
        } catch (Exception e) {
            err.println("verify failed: " + e.getMessage());
            return STORE_ERROR;
        }
    }

    /** Prints the webhook bearer token: the configured one, or the one generated and kept in the store. */
    private static int webhookToken(GatewayConfig config, PrintStream out, PrintStream err) {
        String configured = config.get(GatewayConfig.WEBHOOK_TOKEN);
        if (!configured.isBlank()) {
            out.println(configured);
            return OK;
        }
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            out.println(new WebhookTokenStore(ds).getOrCreate());
            return OK;
        } catch (Exception e) {
            err.println("webhook-token failed: " + e.getMessage());
            return STORE_ERROR;
        }
    }

    private static int rebuildViews(GatewayConfig config, PrintStream out, PrintStream err) {
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            int n = new ViewRebuilder(ds, SqlDialect.forUrl(config.get(GatewayConfig.DB_URL))).rebuild();
            out.printf("Rebuilt the view of %d incidents from the event log%n", n);
            return OK;
        } catch (Exception e) {
            err.println("rebuild-views failed: " + e.getMessage());
            return STORE_ERROR;
        }
    }
}
