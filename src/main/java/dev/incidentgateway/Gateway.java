package dev.incidentgateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.api.ApiAuthPolicyFactory;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiRouteSteps;
import dev.incidentgateway.api.CallerApi;
import dev.incidentgateway.api.CredentialsBeforeBody;
import dev.incidentgateway.api.ExpensiveReads;
import dev.incidentgateway.api.HttpRouteProblems;
import dev.incidentgateway.api.IncidentApi;
import dev.incidentgateway.api.IncidentApiRoute;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.api.OpenApiRoute;
import dev.incidentgateway.api.OpsRoute;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.api.RouteReplyBody;
import dev.incidentgateway.audit.AuditModule;
import dev.incidentgateway.audit.CredentialRowSeal;
import dev.incidentgateway.camel.ConnectorSinkProcessor;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.cli.ControlChannel;
import dev.incidentgateway.cli.ControlChannelRoute;
import dev.incidentgateway.cli.StoreCommand;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.config.KafkaClientSecurity;
import dev.incidentgateway.config.RouteFiles;
import dev.incidentgateway.config.RoutePlaceholders;
import dev.incidentgateway.config.RouteSettings;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.console.ConsoleRoute;
import dev.incidentgateway.console.ConsoleSignIn;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.ingest.WebhookModule;
import dev.incidentgateway.ingest.WebhookSteps;
import dev.incidentgateway.ingest.poll.SourcePoller;
import dev.incidentgateway.ingest.poll.SourcePollers;
import dev.incidentgateway.lifecycle.GracefulShutdown;
import dev.incidentgateway.lifecycle.HttpIntakeGate;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.outbox.ExternalRefRecorder;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.ApiKeyVerifier;
import dev.incidentgateway.security.RefusalLog;
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
import dev.incidentgateway.transport.HttpPortCheck;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.support.jsse.SSLContextParameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Wires the gateway: store (HikariCP + Flyway) → timeline → REST/ops routes and the YAML routes under
 * {@code routes/} (plus {@code GATEWAY_ROUTES_DIR}) on Camel Main's HTTP server. The store's DataSource
 * is bound in the Camel registry as {@code gatewayDataSource}, so YAML routes can use {@code jdbc:}.
 */
public final class Gateway implements AutoCloseable {
    public static final String DATA_SOURCE_BEAN = "gatewayDataSource";
    /** Every HTTP route's reply step (its Map/List body as JSON). */
    static final String ROUTE_REPLIES_BEAN = "httpRouteReplies";

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
    private final HttpEdge edge;
    private final OpsRoute ops;
    private final HttpIntakeGate intake;
    private final GracefulShutdown shutdown;
    private final LiveStream stream;
    private final GatewayRun run;

    private Gateway(GatewayConfig config) {
        Path routesDir = config.routesDir();
        // Bad settings (TLS files, Kafka CA, sla.yaml, connector descriptors ...) fail before the store and keys exist.
        this.main = new Main();
        // Sinks and pollers are built before Camel starts and the store opens; each takes what it needs on first use.
        StartChecks checked = StartChecks.run(config, new SinkHttpClient(() -> main.getCamelContext().createProducerTemplate()),
                new ExternalRefs(this::dataSource));
        if (routesDir != null) {
            RouteFiles.ignoredIn(routesDir).forEach(f -> org.slf4j.LoggerFactory.getLogger(Gateway.class)
                    .warn("{} in GATEWAY_ROUTES_DIR is not loaded: only *.camel.yaml files are routes (rename it to {} "
                            + "if it is one)", f, RouteFiles.loadedName(f)));
        }
        ObjectMapper json = GatewayJson.create();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().meterFilter(new MeterDescriptions()); // HELP text of the meters registered without one
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        String typePrefix = config.get(RouteSettings.CE_TYPE_PREFIX);
        SqlDialect dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        Optional<SSLContextParameters> tls = checked.tls();
        Optional<KafkaClientSecurity> kafkaSecurity = checked.kafkaSecurity();
        SlaModule sla = checked.sla();
        boolean https = tls.isPresent();
        HttpPortCheck.requireFree(config); // like the checks above, before the store (data/) and the generated keys (keys/) exist

        // The upgrade to credential row MACs seals the older rows in the migration, and only there (CredentialRowSeal).
        this.dataSource = StoreFactory.openAndMigrate(config, StoreTimeouts.forAppends(config), CredentialRowSeal.atUpgrade(config));
        // The pool's own meters (hikaricp_connections_active, _pending, _timeout_total, …): an exhausted pool is the first
        // thing to look at when appends answer 503, and nothing else shows it. HikariCP takes a registry once, running too.
        dataSource.setMetricRegistry(meters);
        StoreModules modules = StoreModules.open(config, checked, dataSource, meters, json);
        this.audit = modules.audit();
        this.outbox = modules.outbox();
        this.webhooks = modules.webhooks();
        this.stream = LiveStream.create(config, typePrefix, json, meters); // issue 12: GET /api/v1/stream
        StoreHealthProbe probe = StoreHealthProbe.standard(dataSource); // /health never waits on the database
        this.store = new TimelineStore(dataSource, dialect, typePrefix, config.get(StoreSettings.APPEND_MAX_BATCH),
                config.get(StoreSettings.APPEND_QUEUE_CAPACITY), meters, audit.chainKey(), List.of(outbox.writer(), outbox.wakeOnCommit(), new ExternalRefRecorder(),
                        stream.listener(), sla.metrics(meters),
                        FreshStoreAnalyzer.forStore(dataSource, dialect)))
                .withAppendTimeout(Duration.ofMillis(config.get(StoreSettings.APPEND_TIMEOUT_MS)))
                .withChainKeyEpochs(audit.chainKeyEpochs())
                .withHealthProbe(probe);

        int maxBody = config.get(HttpSettings.HTTP_MAX_BODY_BYTES);
        ApiEndpoint.Settings endpoints = new ApiEndpoint.Settings(new ProblemMapper(json, probe.outage()), maxBody); // 503s counted per outage
        this.intake = new HttpIntakeGate(endpoints.problems());
        IncidentApi api = new IncidentApi(store, new IncidentRequestParser(json, config.get(HttpSettings.DEFAULT_SOURCE)),
                new TimelineCloudEventMapper(typePrefix, json), json, new ExternalRefs(dataSource), config.get(HttpSettings.PAGE_MAX_BYTES), meters);
        // Reads that scan a whole incident or the log hold a connection each for seconds: bounded, so writes keep theirs.
        ExpensiveReads expensiveReads = ExpensiveReads.fromConfig(config, meters, store::refuseWhileDown);

        // Authentication and scopes of every HTTP route (issue 9): the policy factory covers Java and YAML routes.
        this.apiKeys = new ApiKeyVerifier(new ApiKeyStore(dataSource, modules.rowMacs()), Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofMinutes(1));
        // One refusal log for the process: the API's and the webhook sources' refusals share its windows and its bound.
        RefusalLog refusals = new RefusalLog(Clock.systemUTC());
        ApiAuthPolicyFactory apiAuth = ApiAuthPolicyFactory.fromConfig(config, apiKeys, endpoints, refusals); // + OIDC tokens, rate limit
        main.bind("apiAuthPolicy", apiAuth);
        // An H2 file store: only this process opens it (the CLI reaches it through the control channel).
        Optional<Path> controlDirectory = ControlChannel.directoryFor(config.get(StoreSettings.DB_URL));
        controlDirectory.ifPresent(dir -> main.configure().addRoutesBuilder(
                new ControlChannelRoute(ControlChannel.prepareForGateway(dir), GatewayMain.STORE_COMMANDS,
                        new StoreCommand.Context(dataSource, config, dialect), this::credentialsChanged)));
        main.bind(DATA_SOURCE_BEAN, new ProbeGatedDataSource(dataSource, probe)); // YAML routes' jdbc
        TimelineCloudEventMapper cloudEventsOut = new TimelineCloudEventMapper(typePrefix, json);
        main.bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(json), cloudEventsOut)
                .withOutbox(outbox, cloudEventsOut).withFeedPageMaxBytes(config.get(HttpSettings.PAGE_MAX_BYTES))); // to: timeline:append, from: timeline:events, from: timeline:outbox
        main.bind(ConnectorSinkProcessor.BEAN, new ConnectorSinkProcessor(outbox.subscriptions()));
        main.bind("prometheusMeterRegistry", meters);
        // For a YAML route's onException: `bean: {ref: apiProblems, method: replyProblem}` answers the caught failure as
        // the API does (problem+json, 4xx for the sender's input, 503 for the store's trouble), never Camel's plain 500.
        ApiRouteSteps routeSteps = new ApiRouteSteps(endpoints);
        main.bind(ApiRouteSteps.PROBLEMS_BEAN, routeSteps);
        main.configure().addRoutesBuilder(new HttpRouteProblems()); // ... and so does any HTTP route that names no routeConfigurationId
        // Every HTTP route, whatever configuration it names: its Map/List body written as JSON, a failure left unhandled as problem+json.
        main.bind(ROUTE_REPLIES_BEAN, new RouteReplyBody(routeSteps, json));
        main.configure().addRoutesBuilder(new IncidentApiRoute(api, new CallerApi(json), endpoints, expensiveReads));
        main.configure().addRoutesBuilder(new OpenApiRoute(endpoints, json));
        sla.install(main, store, meters, json, endpoints, expensiveReads, Clock.systemUTC()); // SLA tracker bean + GET /api/v1/incidents/{id}/sla
        this.pollers = new SourcePollers(modules.pollingSources().stream()
                .map(s -> new SourcePoller(s, store, dataSource, dialect, Clock.systemUTC(), meters)).toList());
        main.bind(SourcePollers.BEAN, pollers); // run by routes/inbound/<name>-poller.camel.yaml
        this.ops = new OpsRoute(store, dialect.name(), meters, json, endpoints, pollers.all());
        main.configure().addRoutesBuilder(ops);
        WebhookSteps webhookSteps = webhooks.install(main, endpoints, json, meters, pollers.all(), Clock.systemUTC(), refusals); // routes/inbound/webhooks.camel.yaml's steps
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
                controlDirectory.isPresent() && !StoreFactory.opensTcpPort(config.get(StoreSettings.DB_URL)), Clock.systemUTC());
        main.configure().addRoutesBuilder(audit.routes(json, endpoints, () -> store.outage().retried()));
        main.configure().addRoutesBuilder(new ConsoleRoute(endpoints, Set.of(StreamHttpHandler.PATH),
                config.get(IdentityProviderSettings.OIDC_ISSUER), ConsoleSignIn.fromConfig(config).orElse(null))); // GET / (issue 12, operator console)
        RoutePlaceholders.of(config, modules.connectorKeys()).forEach(main::addInitialProperty); // {{gateway.kafka.topic}}, {{gateway.servicenow.url}}
        kafkaSecurity.ifPresent(k -> k.install(main)); // SASL/TLS of every kafka: endpoint, shipped or the operator's
        dev.incidentgateway.config.SecretFileEnvFunction.install(main); // {{env:NAME}} also from NAME_FILE
        main.configure().withRoutesIncludePattern(RouteFiles.includePattern(routesDir)); // config's route check loads the same
        main.configure().withName("incident-gateway");
        this.run = new GatewayRun(config, main, intake, ops, outbox, https);
        main.addMainListener(run.listener(this::drainBeforeStop));
        Duration shutdownBudget = Duration.ofSeconds(config.get(HttpSettings.SHUTDOWN_TIMEOUT_S));
        main.configure().withShutdownTimeout((int) shutdownBudget.toSeconds());
        // Store users: those that write nothing to the store first, so a hung store holds back only the last (API keys
        // record their last use on close).
        this.shutdown = new GracefulShutdown(new GracefulShutdown.Parts(intake, stream::endStreams, pollers, outbox, main,
                List.of(edge, stream, webhooks, apiKeys), store, audit, dataSource), shutdownBudget);
        main.configure().httpServer()
                .withEnabled(true)
                .withPort(config.get(HttpSettings.HTTP_PORT))
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

    /** Camel Main's beforeStop ({@link GracefulShutdown#drain}), once {@link #shutdown} is built. */
    private void drainBeforeStop() {
        shutdown.drain();
    }

    /** Builds the gateway (opens and migrates the store) without starting HTTP. */
    public static Gateway create(GatewayConfig config) {
        return new Gateway(config);
    }

    /** Starts Camel and the HTTP server, returning once they accept requests (for tests and embedding). */
    public Gateway start() throws Exception {
        run.start();
        return this;
    }

    /**
     * Runs until the process is told to stop ({@code signals}: SIGTERM / Ctrl-C, installed before the gateway was built),
     * then shuts down gracefully ({@link GracefulShutdown}): the signal completes Camel Main's run, whose beforeStop drains
     * the work in flight; then Camel stops and {@link #close} closes the store. A signal that came while the gateway was
     * built completes the run before it starts: Camel never starts, and the store is closed. Camel's own JVM shutdown
     * hook is left out (see {@link ShutdownSignals}).
     */
    public void runUntilStopped(ShutdownSignals signals) throws Exception {
        try {
            run.runUntilStopped(signals);
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
        return run.port();
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

    /** Stops gracefully (see {@link GracefulShutdown}); returns once the store is closed. */
    @Override
    public void close() {
        shutdown.run();
    }
}
