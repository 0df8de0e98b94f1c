package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.api.CredentialsBeforeBody;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiRouteSteps;
import dev.incidentgateway.api.CallerApi;
import dev.incidentgateway.api.HttpRouteProblems;
import dev.incidentgateway.api.IncidentApi;
import dev.incidentgateway.api.IncidentApiRoute;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.api.OpsRoute;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.camel.ConnectorSinkProcessor;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.cli.ControlChannel;
import dev.incidentgateway.cli.ControlChannelRoute;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.ClasspathListing;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.KafkaClientSecurity;
import dev.incidentgateway.config.RouteFiles;
import dev.incidentgateway.config.RouteLoadFailure;
import dev.incidentgateway.config.RoutePlaceholders;
import dev.incidentgateway.connectors.ConnectorSettingsListing;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.console.ConsoleRoute;
import dev.incidentgateway.console.ConsoleSignIn;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.ingest.WebhookModule;
import dev.incidentgateway.ingest.WebhookSteps;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.ingest.poll.SourcePoller;
import dev.incidentgateway.ingest.poll.SourcePollers;
import dev.incidentgateway.lifecycle.GracefulShutdown;
import dev.incidentgateway.lifecycle.HttpIntakeGate;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.outbox.ExternalRefRecorder;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.outbox.SinkRegistry;
import dev.incidentgateway.audit.CredentialRowSeal;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.ApiKeyVerifier;
import dev.incidentgateway.sla.SlaModule;
import dev.incidentgateway.store.ProbeGatedDataSource;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.store.StoreHealthProbe;
import dev.incidentgateway.store.StoreTimeouts;
import dev.incidentgateway.stream.LiveStream;
import dev.incidentgateway.stream.StreamHttpHandler;
import dev.incidentgateway.timeline.FreshStoreAnalyzer;
import dev.incidentgateway.timeline.TimelineStore;
import dev.incidentgateway.transport.AsyncRouteHttpEngine;
import dev.incidentgateway.transport.GatewayTls;
import dev.incidentgateway.transport.HttpEdge;
import dev.incidentgateway.transport.HttpPathClashes;
import dev.incidentgateway.transport.HttpPortCheck;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Wires the gateway: store (HikariCP + Flyway) → timeline → REST/ops routes and the YAML routes under
 * {@code routes/} (plus {@code GATEWAY_ROUTES_DIR}) on Camel Main's HTTP server. The store's DataSource
 * is bound in the Camel registry as {@code gatewayDataSource}, so YAML routes can use {@code jdbc:}.
 */
public final class Gateway implements AutoCloseable {
    public static final String DATA_SOURCE_BEAN = "gatewayDataSource";
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final HikariDataSource dataSource;
    private final TimelineStore store;
    private final OutboxModule outbox;
    private final SourcePollers pollers;
    private final AuditModule audit;
    /** How long the control channel waits for the credential snapshots to be read again after a command. */
    private static final Duration CREDENTIAL_RELOAD_WAIT = Duration.ofSeconds(5);
    private final WebhookModule webhooks;
    private final ApiKeyVerifier apiKeys;
    private final Main main;
    private final boolean https;
    private final HttpEdge edge;
    private final OpsRoute ops;
    private final HttpIntakeGate intake;
    private final GracefulShutdown shutdown;
    private final LiveStream stream;
    /** Found once Camel had started (two routes on one HTTP path): the run ends and the start fails with it. */
    private volatile String startProblem;

    private Gateway(GatewayConfig config) {
        this.config = config;
        Path routesDir = config.routesDir();
        // Bad settings (TLS files, Kafka CA, sla.yaml, connector descriptors ...) fail before the store and keys exist.
        StartChecks checked = StartChecks.run(config);
        ObjectMapper json = GatewayJson.create();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        String typePrefix = config.get(GatewayConfig.CE_TYPE_PREFIX);
        SqlDialect dialect = SqlDialect.forUrl(config.get(GatewayConfig.DB_URL));
        Optional<SSLContextParameters> tls = checked.tls();
        Optional<KafkaClientSecurity> kafkaSecurity = checked.kafkaSecurity();
        SlaModule sla = checked.sla();
        this.https = tls.isPresent();
        HttpPortCheck.requireFree(config); // like the checks above, before the store (data/) and the generated keys (keys/) exist

        this.dataSource = StoreFactory.openAndMigrate(config, StoreTimeouts.forAppends(config));
        this.main = new Main();
        List<PollingSource> pollingSources;
        List<ConfigKey<?>> connectorKeys;
        WebhookModule inbound = null;
        CredentialRowMacs rowMacs;
        try {
            this.audit = AuditModule.create(config, dataSource, meters); // the chain key, checked against the store's
            Connectors connectors = checked.connectors();
            Map<String, JsonNode> descriptors = checked.descriptors();
            List<String> unknownVariables = ConnectorSettingsListing.unknownGatewayVariables(config, descriptors);
            if (!unknownVariables.isEmpty()) { // names only: a value may be a secret
                LOG.warn("Not settings of the gateway, ignored (misspelled? `java -jar incident-gateway.jar config` lists every key): {}",
                        String.join(", ", unknownVariables));
            }
            rowMacs = CredentialRowSeal.sealOnce(dataSource, audit.chainKey()); // api_keys/webhook_tokens rows of older versions
            inbound = WebhookModule.load(descriptors, config, dataSource, rowMacs, json);
            // Sinks are built before Camel starts; their HTTP client takes Camel's producer template on first use.
            SinkHttpClient http = new SinkHttpClient(() -> main.getCamelContext().createProducerTemplate());
            connectorKeys = connectors.settings().values().stream().flatMap(List::stream).toList();
            this.outbox = new OutboxModule(SinkRegistry.loadAll(descriptors, connectors.sinkFactories(), connectors.withoutSink(),
                    config.connectorEnv(), http), ConnectorDescriptors.ofKind(descriptors, "sink").keySet(), dataSource);
            pollingSources = connectors.pollers(descriptors, config.connectorEnv(), http, new ExternalRefs(dataSource));
        } catch (RuntimeException e) {
            if (inbound != null) {
                inbound.close();
            }
            dataSource.close();
            throw e;
        }
        this.webhooks = inbound;
        this.stream = LiveStream.create(config, typePrefix, json, meters); // issue 12: GET /api/v1/stream
        StoreHealthProbe probe = StoreHealthProbe.standard(dataSource); // /health never waits on the database
        this.store = new TimelineStore(dataSource, dialect, typePrefix, config.get(GatewayConfig.APPEND_MAX_BATCH),
                config.get(GatewayConfig.APPEND_QUEUE_CAPACITY), meters, audit.chainKey(), List.of(outbox.writer(), outbox.wakeOnCommit(), new ExternalRefRecorder(),
                        stream.listener(), sla.metrics(meters),
                        FreshStoreAnalyzer.forStore(dataSource, dialect)))
                .withAppendTimeout(Duration.ofMillis(config.get(GatewayConfig.APPEND_TIMEOUT_MS)))
                .withHealthProbe(probe);

        int maxBody = config.get(GatewayConfig.HTTP_MAX_BODY_BYTES);
        ApiEndpoint.Settings endpoints = new ApiEndpoint.Settings(new ProblemMapper(json, probe.outage()), maxBody); // 503s counted per outage
        this.intake = new HttpIntakeGate(endpoints.problems());
        IncidentApi api = new IncidentApi(store, new IncidentRequestParser(json, config.get(GatewayConfig.DEFAULT_SOURCE)),
                new TimelineCloudEventMapper(typePrefix, json), json, new ExternalRefs(dataSource));

        // Authentication and scopes of every HTTP route (issue 9): the policy factory covers Java and YAML routes.
        this.apiKeys = new ApiKeyVerifier(new ApiKeyStore(dataSource, rowMacs), Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofMinutes(1));
        ApiAuthPolicyFactory apiAuth = ApiAuthPolicyFactory.fromConfig(config, apiKeys, endpoints); // + OIDC tokens, rate limit
        main.bind("apiAuthPolicy", apiAuth);
        // An H2 file store: only this process opens it (the CLI reaches it through the control channel).
        Optional<Path> controlDirectory = ControlChannel.directoryFor(config.get(GatewayConfig.DB_URL));
        controlDirectory.ifPresent(dir -> main.configure().addRoutesBuilder(
                new ControlChannelRoute(ControlChannel.prepareForGateway(dir), GatewayMain.STORE_COMMANDS,
                        new StoreCommand.Context(dataSource, config, dialect), this::credentialsChanged)));
        main.bind(DATA_SOURCE_BEAN, new ProbeGatedDataSource(dataSource, probe)); // YAML routes' jdbc
        TimelineCloudEventMapper cloudEventsOut = new TimelineCloudEventMapper(typePrefix, json);
        main.bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(json), cloudEventsOut)
                .withOutbox(outbox, cloudEventsOut)); // to: timeline:append, from: timeline:events, from: timeline:outbox
        main.bind(ConnectorSinkProcessor.BEAN, new ConnectorSinkProcessor(outbox.subscriptions()));
        main.bind("prometheusMeterRegistry", meters);
        // For a YAML route's onException: `bean: {ref: apiProblems, method: replyProblem}` answers the caught failure as
        // the API does (problem+json, 4xx for the sender's input, 503 for the store's trouble), never Camel's plain 500.
        main.bind(ApiRouteSteps.PROBLEMS_BEAN, new ApiRouteSteps(endpoints));
        main.configure().addRoutesBuilder(new HttpRouteProblems()); // ... and so does any HTTP route that names no routeConfigurationId
        main.configure().addRoutesBuilder(new IncidentApiRoute(api, new CallerApi(json), endpoints));
        sla.install(main, store, meters, json, endpoints, Clock.systemUTC()); // SLA tracker bean + GET /api/v1/incidents/{id}/sla
        this.pollers = new SourcePollers(pollingSources.stream()
                .map(s -> new SourcePoller(s, store, dataSource, dialect, Clock.systemUTC())).toList());
        main.bind(SourcePollers.BEAN, pollers); // run by routes/inbound/<name>-poller.camel.yaml
        this.ops = new OpsRoute(store, dialect.name(), meters, json, endpoints, pollers.all());
        main.configure().addRoutesBuilder(ops);
        WebhookSteps webhookSteps = webhooks.install(main, endpoints, json, meters, pollers.all(), Clock.systemUTC()); // routes/inbound/webhooks.camel.yaml's steps
        // Timeouts, in-flight limit, early 413 and an anonymous /health on the event loop (issue 10, overload).
        this.edge = HttpEdge.install(main, HttpEdge.Settings.from(config), endpoints.problems(), meters,
                // Once the intake gate has closed (shutdown), each probe goes on to the gate, which answers 503 like any request.
                Map.of(OpsRoute.HEALTH, () -> intake.isOpen() ? ops.health(null) : null,
                        OpsRoute.READY, () -> intake.isOpen() ? ops.readiness() : null,
                        OpsRoute.LIVE, () -> intake.isOpen() ? ops.liveness() : null));
        // issue 13: routes/inbound/webhooks.camel.yaml names it; a webhook waiting for its group commit holds no thread.
        main.bind(AsyncRouteHttpEngine.BEAN, new AsyncRouteHttpEngine());
        stream.serve(store, apiAuth, edge); // on the event loop, authorized by apiAuth like every API route
        edge.credentialBeforeNotFound(apiAuth);
        // A caller without a credential never holds an in-flight slot while its body trickles in (same checks as the routes').
        edge.authenticateBeforeBody(new CredentialsBeforeBody(apiAuth, webhookSteps.beforeBody()));
        // Relays, gauges, purge and /api/v1/outbox; an embedded H2 file is this process's alone: an ended run's claims are free.
        outbox.install(main, store, config, meters, json, endpoints,
                controlDirectory.isPresent() && !StoreFactory.opensTcpPort(config.get(GatewayConfig.DB_URL)), Clock.systemUTC());
        main.configure().addRoutesBuilder(audit.routes(json, endpoints));
        main.configure().addRoutesBuilder(new ConsoleRoute(endpoints, Set.of(StreamHttpHandler.PATH),
                config.get(GatewayConfig.OIDC_ISSUER), ConsoleSignIn.fromConfig(config).orElse(null))); // GET / (issue 12, operator console)
        RoutePlaceholders.of(config, connectorKeys).forEach(main::addInitialProperty); // {{gateway.kafka.topic}}, {{gateway.servicenow.url}}
        kafkaSecurity.ifPresent(k -> k.install(main)); // SASL/TLS of every kafka: endpoint, shipped or the operator's
        // Shipped routes named one by one (ClasspathListing says why Camel's own classpath scan is not used).
        main.configure().withRoutesIncludePattern(ClasspathListing.list("routes", true, ".camel.yaml").stream()
                .map(r -> "classpath:" + r).collect(Collectors.joining(","))
                + (routesDir == null ? "" : ",file:" + routesDir.toAbsolutePath() + "/**/*.camel.yaml"));
        main.configure().withName("incident-gateway");
        main.addMainListener(new MainListenerSupport() {
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
                shutdown.drain(); // while Camel still runs: the sinks deliver through its HTTP client
            }
        });
        Duration shutdownBudget = Duration.ofSeconds(config.get(GatewayConfig.SHUTDOWN_TIMEOUT_S));
        main.configure().withShutdownTimeout((int) shutdownBudget.toSeconds());
        // Store users: those that write nothing to the store first, so a hung store holds back only the last (API keys
        // record their last use on close).
        this.shutdown = new GracefulShutdown(new GracefulShutdown.Parts(intake, stream::endStreams, pollers, outbox, main,
                List.of(edge, stream, webhooks, apiKeys), store, audit, dataSource), shutdownBudget);
        main.configure().httpServer()
                .withEnabled(true)
                .withPort(config.get(GatewayConfig.HTTP_PORT))
                // Vert.x stops reading a body (sent without Content-Length) at the limit; HttpEdge answers its 413
                // as problem+json, and one with a Content-Length above the limit before reading it.
                .withMaxBodySize((long) maxBody);
        GatewayTls.apply(main, tls);
    }

    /**
     * After the CLI ran a command through the control channel (e.g. {@code api-key create}): the key and token snapshots
     * are read again before the CLI gets its answer, so what it created works at once and what it revoked has stopped.
     */
    private void credentialsChanged() {
        apiKeys.refreshNow(CREDENTIAL_RELOAD_WAIT);
        webhooks.refreshTokens(CREDENTIAL_RELOAD_WAIT);
    }

    /** Builds the gateway (opens and migrates the store) without starting HTTP. */
    public static Gateway create(GatewayConfig config) {
        return new Gateway(config);
    }

    /** Starts Camel and the HTTP server, returning once they accept requests (for tests and embedding). */
    public Gateway start() throws Exception {
        HttpPortCheck.requireFree(config);
        main.start(); // Camel Main calls no afterStart listener here: camelStarted() is called directly
        Optional<String> clash = camelStarted();
        if (clash.isPresent()) {
            throw new ConfigException(clash.get());
        }
        outbox.logTargets();
        return this;
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

    /**
     * Runs until the process is told to stop ({@code signals}: SIGTERM / Ctrl-C, installed before the gateway was built),
     * then shuts down gracefully ({@link GracefulShutdown}): the signal completes Camel Main's run, whose beforeStop drains
     * the work in flight; then Camel stops and {@link #close} closes the store. A signal that came while the gateway was
     * built completes the run before it starts: Camel never starts, and the store is closed. Camel's own JVM shutdown
     * hook is left out (see {@link ShutdownSignals}).
     */
    public void runUntilStopped(ShutdownSignals signals) throws Exception {
        try { // again, for a port taken while the gateway was built; that ends here through close(): the store is open
            HttpPortCheck.requireFree(config);
            main.setShutdownStrategy(new SimpleMainShutdownStrategy());
            signals.whenStopRequested(main::completed, Duration.ofSeconds(config.get(GatewayConfig.SHUTDOWN_TIMEOUT_S) + 15L));
            main.run();
            if (startProblem != null) {
                throw new ConfigException(startProblem);
            }
        } catch (Exception e) { // a route file that cannot be loaded is bad configuration, named by its file
            Optional<String> badRoute = RouteLoadFailure.describe(e, RouteFiles.of(main.getCamelContext()));
            if (badRoute.isPresent()) {
                throw new ConfigException(badRoute.get());
            }
            throw e;
        } finally {
            close();
        }
    }


    /** HTTP requests admitted and not yet answered, open live streams included (a graceful stop ends those first). */
    public int requestsInFlight() {
        return intake.inFlight();
    }

    /** The bound HTTP port (useful with {@code http.port=0}). */
    public int port() {
        VertxPlatformHttpServer server = main.getCamelContext().hasService(VertxPlatformHttpServer.class);
        return server == null || server.getServer() == null ? -1 : server.getServer().actualPort();
    }

    public TimelineStore store() {
        return store;
    }

    /** The running Camel context (tests enumerate its HTTP routes). */
    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    private void logReady() {
        String url = config.get(GatewayConfig.DB_URL);
        int q = url.indexOf('?');
        LOG.info("Incident Gateway listening on port {}{} (store: {})", port(), https ? " (HTTPS)" : "",
                config.masked(q < 0 ? url : url.substring(0, q)));
    }

    /** Stops gracefully (see {@link GracefulShutdown}); returns once the store is closed. */
    @Override
    public void close() {
        shutdown.run();
    }
}
