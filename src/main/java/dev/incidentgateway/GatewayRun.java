package dev.incidentgateway;

import dev.incidentgateway.api.OpsRoute;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.RouteFiles;
import dev.incidentgateway.config.RouteLoadFailure;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.lifecycle.HttpIntakeGate;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.transport.HttpPathClashes;
import dev.incidentgateway.transport.HttpPortCheck;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Starts and runs the wired gateway's Camel Main, for {@link Gateway#start} and {@link Gateway#runUntilStopped}: the
 * port check, what both ways do once Camel runs ({@link #camelStarted}), the ready line, and the port Camel's HTTP
 * server bound.
 */
final class GatewayRun {
    /** The gateway's logger: its ready line is the gateway's. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Main main;
    private final HttpIntakeGate intake;
    private final OpsRoute ops;
    private final OutboxModule outbox;
    private final boolean https;
    /** Found once Camel had started (two routes on one HTTP path): the run ends and the start fails with it. */
    private volatile String startProblem;

    GatewayRun(GatewayConfig config, Main main, HttpIntakeGate intake, OpsRoute ops, OutboxModule outbox, boolean https) {
        this.config = config;
        this.main = main;
        this.intake = intake;
        this.ops = ops;
        this.outbox = outbox;
        this.https = https;
    }

    /** Camel Main's listener for {@link #runUntilStopped}; {@code drain} runs before Camel stops. */
    MainListenerSupport listener(Runnable drain) {
        return new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport ignored) {
                startProblem = camelStarted().orElse(null);
                if (startProblem != null) {
                    main.completed(); // runUntilStopped reports it once Camel has stopped again
                    return;
                }
                outbox.logTargets();
                logReady();
            }

            @Override
            public void beforeStop(BaseMainSupport ignored) {
                drain.run(); // while Camel still runs: the sinks deliver through its HTTP client
            }
        };
    }

    /** Starts Camel and the HTTP server, returning once they accept requests. */
    void start() throws Exception {
        HttpPortCheck.requireFree(config);
        main.start(); // Camel Main calls no afterStart listener here: camelStarted() is called directly
        Optional<String> clash = camelStarted();
        if (clash.isPresent()) {
            throw new ConfigException(clash.get());
        }
        outbox.logTargets();
    }

    /**
     * What both ways of starting ({@link #start}, {@link #runUntilStopped}'s afterStart) do once Camel runs: open the
     * intake gate and /health; returns the problem that ends the start instead, if any (two routes on one HTTP path).
     */
    private Optional<String> camelStarted() {
        intake.install(main.getCamelContext());
        ops.markStarted();
        return HttpPathClashes.find(main.getCamelContext(), RouteFiles.of(main.getCamelContext()));
    }

    /** Runs Camel Main until it is told to stop; the caller closes the gateway after it, whatever the outcome. */
    void runUntilStopped(ShutdownSignals signals) throws Exception {
        try { // again, for a port taken while the gateway was built; that ends through the caller's close(): the store is open
            HttpPortCheck.requireFree(config);
            main.setShutdownStrategy(new SimpleMainShutdownStrategy());
            signals.whenStopRequested(main::completed, Duration.ofSeconds(config.get(HttpSettings.SHUTDOWN_TIMEOUT_S) + 15L));
            main.run();
            if (startProblem != null) {
                throw new ConfigException(startProblem);
            }
        } catch (Exception e) { // a route file that cannot be loaded is bad configuration, named by its file
            Optional<String> badRoute = RouteLoadFailure.describe(e, RouteFiles.of(main.getCamelContext()), main.getCamelContext(),
                    config.routesDir());
            if (badRoute.isPresent()) {
                throw new ConfigException(badRoute.get());
            }
            throw e;
        }
    }

    /** The bound HTTP port (useful with {@code http.port=0}). */
    int port() {
        VertxPlatformHttpServer server = main.getCamelContext().hasService(VertxPlatformHttpServer.class);
        return server == null || server.getServer() == null ? -1 : server.getServer().actualPort();
    }

    private void logReady() {
        String url = config.get(StoreSettings.DB_URL);
        int q = url.indexOf('?');
        LOG.info("Incident Gateway listening on port {}{} (store: {})", port(), https ? " (HTTPS)" : "",
                config.masked(q < 0 ? url : url.substring(0, q)));
    }
}
