package dev.incidentgateway.camel;

import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.outbox.OutboxRelay;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.security.Redact;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drives one connector's {@link OutboxRelay}, whose sink is this route ({@link RouteDeliverySink}). So a route gets
 * everything the outbox does: rows written in the append transaction, one exchange per row, per-incident order,
 * retries with backoff and Retry-After, dead letters, the replay/skip API and the metrics, leases after a crash, the
 * delivery deadline, and the drain at shutdown (the relay is registered with {@link OutboxModule}).
 *
 * <p>While deliveries run, every finished one is followed at once by another pass, so a backlog drains at full speed and
 * a hung delivery blocks only its own slot; an idle relay looks for due rows every {@code GATEWAY_OUTBOX_POLL_MS}.
 */
final class TimelineOutboxConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineOutboxConsumer.class);

    private final OutboxModule outbox;
    private final TimelineCloudEventMapper cloudEvents;
    private final Optional<SinkDescriptor> subscription;
    private OutboxRelay relay;
    private ScheduledExecutorService driver;

    TimelineOutboxConsumer(TimelineOutboxEndpoint endpoint, Processor processor, OutboxModule outbox,
                           TimelineCloudEventMapper cloudEvents, Optional<SinkDescriptor> subscription) {
        super(endpoint, processor);
        this.outbox = outbox;
        this.cloudEvents = cloudEvents;
        this.subscription = subscription;
    }

    @Override
    public TimelineOutboxEndpoint getEndpoint() {
        return (TimelineOutboxEndpoint) super.getEndpoint();
    }

    /** The relay this consumer drives, or {@code null} when the connector is off or the consumer stopped (tests). */
    OutboxRelay relay() {
        return relay;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String connector = getEndpoint().getConnector();
        if (subscription.isEmpty()) {
            LOG.info("Route {} (timeline:outbox?connector={}) is idle: the connector is off", getRouteId(), connector);
            return;
        }
        relay = outbox.openRelay(new RouteDeliverySink(connector, this, cloudEvents), getEndpoint().getConcurrency());
        Duration poll = outbox.pollInterval();
        driver = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "timeline-outbox-" + connector);
        OutboxRelay driven = relay;
        driver.scheduleWithFixedDelay(() -> drive(driven, poll), poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Route {} delivers connector {}: {} from {}", getRouteId(), connector,
                subscription.get().events(), subscription.get().minSeverity().wireName());
    }

    private void drive(OutboxRelay driven, Duration poll) {
        try {
            driven.drive(this::isRunAllowed, poll);
        } catch (SQLException e) {
            LOG.warn("Outbox relay {}: could not read its rows (retried at the next poll): {}", driven.connector(),
                    Redact.text(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Outbox relay {} failed (retried at the next poll): {}", driven.connector(), Redact.error(e));
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (relay != null) {
            relay.stopClaiming();
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(driver);
            outbox.closeRelay(relay);
            relay = null;
            driver = null;
        }
        super.doStop();
    }
}
