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

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Drives one connector's {@link OutboxRelay}, whose sink is this route ({@link RouteDeliverySink}). So a route gets
 * everything the outbox does: rows written in the append transaction, one exchange per row, per-incident order,
 * retries with backoff and Retry-After, dead letters, the replay/skip API and the metrics, leases after a crash, the
 * delivery deadline, and the drain at shutdown (the relay is registered with {@link OutboxModule}).
 *
 * <p>Every slot goes on with its incident's next row as soon as an outcome is recorded, and the driving thread claims new
 * heads whenever a slot frees or this process commits rows for the connector ({@link OutboxModule#wakeOnCommit}), so a
 * backlog drains at full speed and a quiet event leaves at once; a hung delivery blocks only its own slot. Otherwise the
 * relay looks for due rows every {@code GATEWAY_OUTBOX_POLL_MS} (rows of other instances, retries coming due).
 */
final class TimelineOutboxConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(TimelineOutboxConsumer.class);

    private final OutboxModule outbox;
    private final TimelineCloudEventMapper cloudEvents;
    private final Optional<SinkDescriptor> subscription;
    private OutboxRelay relay;
    private ExecutorService driver;

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
                .newSingleThreadExecutor(this, "timeline-outbox-" + connector);
        OutboxRelay driven = relay;
        driver.execute(() -> drive(driven, poll));
        LOG.info("Route {} delivers connector {}: {} from {}", getRouteId(), connector,
                subscription.get().events(), subscription.get().minSeverity().wireName());
    }

    private void drive(OutboxRelay driven, Duration poll) {
        while (isRunAllowed()) {
            try {
                driven.run(this::isRunAllowed, poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Outbox relay {} failed (started again after a poll interval): {}", driven.connector(), Redact.error(e));
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
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
