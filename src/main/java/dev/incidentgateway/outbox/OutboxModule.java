package dev.incidentgateway.outbox;

import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.OutboxSettings;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wires the outbox: the writer that adds rows inside each append transaction, the subscriptions
 * ({@link OutboxSubscriptions}), the relays the {@code timeline:outbox} consumers open (one per connector
 * route; every one is drained at shutdown), and the pending/dead gauges. Built before the timeline store
 * (which takes the writer as a listener); {@link #configureRelays} once the store exists.
 */
public final class OutboxModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxModule.class);

    private final OutboxStore outbox;
    private final OutboxWriter writer;
    private final OutboxSubscriptions subscriptions;
    private final List<String> activeNames;
    private final List<OutboxRelay> relays = new CopyOnWriteArrayList<>();
    private RelayFactory relayFactory;
    private OutboxGauges gauges;

    /** The relays' shared parts: the store they read events from, their settings, and how often an idle one looks. */
    private record RelayFactory(TimelineStore timeline, OutboxRelay.Settings settings, Duration poll, MeterRegistry meters,
                                Clock clock) {
    }

    public OutboxModule(List<SinkRegistry.ActiveSink> sinks, DataSource dataSource) {
        this(sinks, Set.of(), dataSource);
    }

    /** @param describedSinks every connector with a sink descriptor, on or off (an off one's route stays idle) */
    public OutboxModule(List<SinkRegistry.ActiveSink> sinks, Set<String> describedSinks, DataSource dataSource) {
        this(new SinkRegistry.Loaded(sinks, List.of()), describedSinks, dataSource);
    }

    /**
     * @param sinks          the Java sinks that are on and the YAML-only targets' descriptors, each subscribed from the start
     * @param describedSinks every connector with a sink descriptor, on or off (an off one's route stays idle)
     */
    public OutboxModule(SinkRegistry.Loaded sinks, Set<String> describedSinks, DataSource dataSource) {
        List<SinkDescriptor> subscribed = new java.util.ArrayList<>(sinks.routeOnly());
        sinks.sinks().forEach(a -> subscribed.add(a.descriptor()));
        this.outbox = new OutboxStore(dataSource);
        this.writer = new OutboxWriter(subscribed);
        this.subscriptions = new OutboxSubscriptions(sinks.sinks(), sinks.routeOnly(), describedSinks, writer);
        this.activeNames = subscribed.stream().map(SinkDescriptor::name).toList();
    }

    /** The append listener that writes outbox rows in the event's transaction. */
    public OutboxWriter writer() {
        return writer;
    }

    /** The after-commit hook that wakes this process's relays when rows for their connector commit. */
    public dev.incidentgateway.timeline.AppendListener wakeOnCommit() {
        return new RelayWakeups(writer, relays);
    }

    public OutboxStore store() {
        return outbox;
    }

    public OutboxSubscriptions subscriptions() {
        return subscriptions;
    }

    /**
     * At start on a store only this process can open (the embedded H2 file): the deliveries an ended run had claimed
     * are due at once rather than after their lease. Not for a shared store (PostgreSQL, an H2 server): another instance
     * may hold them, and their lease decides.
     */
    public void releaseClaimsOfEndedRun(Clock clock) {
        try {
            int released = outbox.releaseClaimsOfEndedRun(clock.instant());
            if (released > 0) {
                org.slf4j.LoggerFactory.getLogger(OutboxModule.class).info(
                        "Outbox: {} deliveries claimed by the previous run are due again (it ended without recording them)", released);
            }
        } catch (java.sql.SQLException e) {
            throw new dev.incidentgateway.timeline.StoreUnavailableException("cannot release the previous run's outbox claims", e);
        }
    }

    /**
     * Wires the outbox into {@code main}: the relays' settings from {@code GATEWAY_OUTBOX_*}, the pending/dead gauges, the
     * purge of delivered rows and {@code /api/v1/outbox}.
     *
     * @param soleProcess the store is one only this process opens (an embedded H2 file): an ended run's claims are released
     */
    public void install(org.apache.camel.main.Main main, TimelineStore timeline, GatewayConfig config, MeterRegistry meters,
                        com.fasterxml.jackson.databind.ObjectMapper json, ApiEndpoint.Settings endpoints, boolean soleProcess,
                        Clock clock) {
        configureRelays(timeline, new OutboxRelay.Settings(Duration.ofMillis(config.get(OutboxSettings.OUTBOX_BACKOFF_MS)),
                config.get(OutboxSettings.OUTBOX_MAX_ATTEMPTS), config.get(OutboxSettings.OUTBOX_CONCURRENCY),
                Duration.ofMillis(config.get(OutboxSettings.OUTBOX_LEASE_MS)),
                Duration.ofSeconds(config.get(OutboxSettings.OUTBOX_MAX_RETRY_AFTER_S)), config.outboxDeliveryTimeout(),
                Duration.ofMillis(config.get(OutboxSettings.OUTBOX_MAX_BACKOFF_MS))),
                config.get(OutboxSettings.OUTBOX_POLL_MS), meters, clock);
        if (soleProcess) {
            releaseClaimsOfEndedRun(clock);
        }
        // Outbound routes call vendors with camel-http: retries are the outbox's (state in the row), never HttpClient's own,
        // and every call has the Java sinks' timeouts, on http: and https: alike.
        dev.incidentgateway.connectors.http.CamelHttpDefaults.mainProperties().forEach(main::addInitialProperty);
        main.configure().addRoutesBuilder(gaugeRoute(meters, clock));
        main.configure().addRoutesBuilder(purgeRoute(Duration.ofDays(config.get(OutboxSettings.OUTBOX_RETENTION_DAYS)), meters, clock));
        main.configure().addRoutesBuilder(new OutboxApi(outbox, json, endpoints, clock, timeline::refuseWhileDown));
    }

    /** What the relays opened from now on share ({@code GATEWAY_OUTBOX_*}). */
    public void configureRelays(TimelineStore timeline, OutboxRelay.Settings settings, long pollMillis, MeterRegistry meters,
                                Clock clock) {
        this.relayFactory = new RelayFactory(timeline, settings, Duration.ofMillis(pollMillis), meters, clock);
    }

    /** How often an idle relay looks for due rows ({@code GATEWAY_OUTBOX_POLL_MS}). */
    public Duration pollInterval() {
        return factory().poll();
    }

    /**
     * A relay delivering {@code sink.connector()}'s rows through {@code sink}, with {@code concurrency} slots
     * ({@code null}: the configured number); drained at shutdown until {@link #closeRelay}.
     */
    public OutboxRelay openRelay(Sink sink, Integer concurrency) {
        RelayFactory f = factory();
        OutboxRelay.Settings s = f.settings();
        if (concurrency != null) {
            s = new OutboxRelay.Settings(s.firstBackoff(), s.maxAttempts(), concurrency, s.lease(), s.maxRetryAfter(),
                    s.deliveryDeadline(), s.maxBackoff());
        }
        OutboxRelay relay = new OutboxRelay(sink, outbox, f.timeline(), s, f.meters(), f.clock());
        relays.add(relay);
        if (gauges != null) {
            gauges.track(sink.connector());
        }
        return relay;
    }

    /** Closes a relay its consumer no longer drives. */
    public void closeRelay(OutboxRelay relay) {
        relays.remove(relay);
        relay.close();
    }

    private RelayFactory factory() {
        if (relayFactory == null) {
            throw new IllegalStateException("the outbox relays are not configured (OutboxModule.configureRelays)");
        }
        return relayFactory;
    }

    /**
     * Once the routes have started: names every outbound target that delivers, and warns about active connectors (and
     * YAML-only targets with a descriptor) whose rows no route delivers. Not earlier: a YAML-only target (chat-webhook,
     * kafka) exists only as its route, so the list of Java sinks made while the gateway was built showed {@code Sinks: []}
     * while chat-webhook delivered. Why a connector is off is logged where that is decided (SinkRegistry, or the route's
     * precondition), not again here.
     */
    public void logTargets() {
        LOG.info("Outbound targets delivering: {}", subscriptions.delivering());
        for (String connector : subscriptions.unconsumed()) {
            LOG.warn("Sink '{}' is on but no route reads from timeline:outbox?connector={}: its outbox rows wait (add a "
                    + "route such as routes/outbound/{}.camel.yaml)", connector, connector, connector);
        }
        warnAboutRowsNoRouteReads();
    }

    /**
     * A target's route removed (a YAML target is only its route) leaves its pending and dead rows behind, unseen: one WARN
     * per such connector, and its gauges, so gateway_outbox_rows keeps counting them.
     */
    private void warnAboutRowsNoRouteReads() {
        java.util.Map<String, long[]> waiting;
        try {
            waiting = outbox.waitingByConnector();
        } catch (java.sql.SQLException e) {
            LOG.warn("Could not count the outbox rows by connector: {}", e.getMessage());
            return;
        }
        waiting.forEach((connector, counts) -> {
            if (!subscriptions.consumed(connector)) {
                LOG.warn("Connector '{}' has {} pending and {} dead outbox rows but no route reads timeline:outbox?connector={}: "
                        + "they wait. See them with GET /api/v1/outbox?connector={}&status=pending (or dead); add the route back "
                        + "to deliver them, or give them up with POST /api/v1/outbox/<id>/skip", connector, counts[0], counts[1],
                        connector, connector);
                if (gauges != null) {
                    gauges.track(connector, counts[0], counts[1]);
                }
            }
        });
    }

    /** The timer route that purges delivered rows older than {@code retention} (500 a statement, 100 statements a run). */
    public RouteBuilder purgeRoute(java.time.Duration retention, MeterRegistry meters, Clock clock) {
        return new OutboxPurge(outbox.dataSource(), retention, 500, 100, clock, meters).route();
    }

    /** The pending/dead gauges and the timer route that refreshes them (a scrape never queries the store). */
    public RouteBuilder gaugeRoute(MeterRegistry meters, Clock clock) {
        gauges = new OutboxGauges(outbox, activeNames, meters, clock);
        return gauges.route();
    }

    /**
     * Shutdown: stops every relay claiming rows, then waits until the deliveries under way have recorded their outcome
     * or {@code deadline} passes; those still running then record nothing (their rows are due again after the lease).
     * Returns how many relays still had deliveries running.
     */
    public int drain(java.time.Instant deadline) throws InterruptedException {
        relays.forEach(OutboxRelay::stopClaiming);
        int late = 0;
        for (OutboxRelay relay : relays) {
            if (!relay.awaitIdle(deadline)) {
                relay.abandonRunning();
                late++;
            }
        }
        return late;
    }

    @Override
    public void close() {
        relays.forEach(OutboxRelay::close);
    }
}
