package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers one connector's outbox rows: claims the due rows (the head of each incident's queue, so
 * different incidents go in parallel and one incident strictly in order), hands each to the sink, and
 * writes the classified outcome back into the row: delivered, retry later (Retry-After or exponential
 * backoff with jitter), or dead. Driven by a Camel timer route ({@link OutboxRelayRoute}).
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    /** Relay knobs ({@code GATEWAY_OUTBOX_*}). */
    public record Settings(Duration firstBackoff, int maxAttempts, int concurrency, Duration lease) {
        public Settings(Duration firstBackoff, int maxAttempts, int concurrency) {
            this(firstBackoff, maxAttempts, concurrency, Duration.ofSeconds(90));
        }
    }

    private final Sink sink;
    private final OutboxStore outbox;
    private final ExternalRefs refs;
    private final TimelineStore timeline;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService workers;
    private final Timer latency;
    private final DistributionSummary attempts;
    private final MeterRegistry meters;

    public OutboxRelay(Sink sink, OutboxStore outbox, TimelineStore timeline, Settings settings, MeterRegistry meters, Clock clock) {
        this.sink = sink;
        this.outbox = outbox;
        this.refs = new ExternalRefs(outbox.dataSource());
        this.timeline = timeline;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "outbox-" + sink.connector());
            t.setDaemon(true);
            return t;
        });
        this.latency = Timer.builder("gateway.outbox.delivery.latency").tag("connector", sink.connector())
                .description("From the event's commit to the target's 2xx").publishPercentileHistogram().register(meters);
        this.attempts = DistributionSummary.builder("gateway.outbox.attempts").tag("connector", sink.connector())
                .description("Attempts a delivered row needed").register(meters);
    }

    public String connector() {
        return sink.connector();
    }

    /** One pass: claims up to {@code concurrency} due rows and delivers them in parallel. Returns how many. */
    public int pass() throws SQLException {
        Instant now = clock.instant();
        List<OutboxItem> claimed = outbox.claimDue(sink.connector(), settings.concurrency(), now, now.plus(settings.lease()));
        List<Future<?>> running = new ArrayList<>(claimed.size());
        for (OutboxItem item : claimed) {
            running.add(workers.submit(() -> deliver(item)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return claimed.size();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("Outbox delivery to {} failed unexpectedly: {}", sink.connector(), Redact.error(e.getCause()));
                LOG.debug("Outbox delivery failure", e.getCause());
            }
        }
        return claimed.size();
    }

    private void deliver(OutboxItem item) {
        try {
            DeliveryResult result = attempt(item);
            Instant now = clock.instant();
            int attempt = item.attempts() + 1;
            if (result instanceof DeliveryResult.Delivered d) {
                outbox.delivered(item, d.created(), now);
                latency.record(Duration.between(item.createdAt(), now));
                attempts.record(attempt);
                meters.counter("gateway.outbox.delivered", "connector", sink.connector()).increment();
            } else if (result instanceof DeliveryResult.Retry r) {
                boolean giveUp = attempt >= settings.maxAttempts();
                Duration wait = r.retryAfter() != null ? r.retryAfter() : backoff(attempt);
                outbox.failed(item, giveUp ? r.reason() + " (gave up after " + attempt + " attempts)" : r.reason(), now.plus(wait), giveUp);
                meters.counter("gateway.outbox.failures", "connector", sink.connector(), "kind", giveUp ? "dead" : "retry").increment();
            } else if (result instanceof DeliveryResult.Dead d) {
                outbox.failed(item, d.reason(), now, true);
                meters.counter("gateway.outbox.failures", "connector", sink.connector(), "kind", "dead").increment();
                LOG.warn("Outbox row {} to {} dead-lettered: {}", item.id(), sink.connector(), Redact.text(d.reason()));
            }
        } catch (SQLException e) {
            // The row keeps its lease and is due again when it runs out: nothing is lost.
            LOG.warn("Could not record the outcome of outbox row {} for {}: {}", item.id(), sink.connector(), Redact.text(e.getMessage()));
        }
    }

    private DeliveryResult attempt(OutboxItem item) throws SQLException {
        TimelineEvent event = timeline.event(item.eventId()).orElse(null);
        Incident incident = timeline.incident(item.incidentId()).orElse(null);
        if (event == null || incident == null) {
            return new DeliveryResult.Dead("event " + item.eventId() + " or incident " + item.incidentId() + " is not in the store");
        }
        try {
            return sink.deliver(new Delivery(item, event, incident, refs.find(item.incidentId(), sink.connector())));
        } catch (RuntimeException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e, null);
        }
    }

    /** Exponential backoff with jitter: first × 2^(attempt−1), capped, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        long base = settings.firstBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5)));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
