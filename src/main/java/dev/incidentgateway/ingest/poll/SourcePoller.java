package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Redact;
import dev.incidentgateway.store.AdvisoryLease;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.SourcePage;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs one {@link PollingSource}: on each tick, if this instance leads the source and the source is due,
 * reads page after page from the committed watermark and appends each page together with its new
 * watermark (best effort: a change the state machine refuses is reported, not blocking). The route
 * {@code routes/inbound/<name>-poller.camel.yaml} runs these steps through {@link SourcePollers}, appending each page
 * with {@code to: timeline:append}; {@link #tick} runs the same steps in Java. The poller keeps
 * no progress of its own; after a crash it resumes from the last committed page.
 */
public final class SourcePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);
    private static final int MAX_PAGES_PER_TICK = 1000;

    /** What /health reports for the poller. */
    public enum Status { STARTING, UP, STANDBY, BACKING_OFF, DOWN }

    private final PollingSource source;
    private final TimelineStore store;
    private final AdvisoryLease lease;
    private final RefusedChanges refused;
    private final Clock clock;
    private final PollerMetrics metrics;
    private volatile Status status = Status.STARTING;
    private volatile String detail = "";
    private Instant nextPoll = Instant.MIN;

    public SourcePoller(PollingSource source, TimelineStore store, DataSource dataSource, SqlDialect dialect, Clock clock,
                        MeterRegistry meters) {
        this.source = source;
        this.metrics = new PollerMetrics(source.name(), meters);
        this.store = store;
        this.lease = new AdvisoryLease(dataSource, dialect, AdvisoryLease.SOURCE_POLLERS, source.name());
        this.refused = new RefusedChanges(source);
        this.clock = clock;
    }

    public String name() {
        return source.name();
    }

    public Duration interval() {
        return source.interval();
    }

    public Status status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    /** One run of a tick: page after page while the source says more are waiting (at most {@value #MAX_PAGES_PER_TICK}). */
    public static final class Run {
        private int pages;
        private boolean more = true;
        /** The last page's events, to name what a refused outcome stood for. */
        private List<NewEvent> events = List.of();

        /** True while another page should be read in this run. */
        public boolean more() {
            return more && pages < MAX_PAGES_PER_TICK;
        }
    }

    /**
     * One tick, in Java: the steps of the route {@code routes/inbound/<name>-poller.camel.yaml} ({@link #begin},
     * then {@link #read}, append, {@link #recorded} while {@link Run#more}; {@link #failed} on a poll or store failure).
     * Never throws for those: a failure is logged and reflected in {@link #status()}.
     */
    public void tick() {
        Run run = begin();
        if (run == null) {
            return;
        }
        try {
            while (run.more()) {
                SourcePage page = read(run);
                recorded(run, page.isEmpty() ? List.of() : store.appendPolled(page.events(), page.progress()));
            }
        } catch (PollFailure | StoreUnavailableException e) {
            failed(e);
        }
    }

    /**
     * Starts a run if this instance leads the source and the source is due; {@code null} when there is nothing to do
     * now (stopped after refused credentials, not due, or another instance leads: STANDBY).
     */
    public Run begin() {
        if (status == Status.DOWN || clock.instant().isBefore(nextPoll)) {
            return null;
        }
        if (!lease.acquire()) {
            status = Status.STANDBY;
            detail = "another gateway instance polls " + source.name();
            return null;
        }
        return new Run();
    }

    /**
     * Reads the page after the committed watermark: its events (under {@code poller:<name>}, which the poller decides, not
     * the source's data: loop prevention keys on it) and the new watermark when it moved, to append together.
     */
    public SourcePage read(Run run) throws PollFailure {
        String watermark = store.watermark(source.name()).orElse(null);
        PollPage page = source.poll(watermark);
        run.pages++;
        run.more = page.more();
        boolean moved = page.nextWatermark() != null && !page.nextWatermark().equals(watermark);
        String principal = principal().name();
        run.events = page.events().stream().map(e -> e.withPrincipal(principal)).toList();
        return new SourcePage(run.events, moved ? new SourceProgress(source.name(), page.nextWatermark()) : null);
    }

    /** Who this poller's events are recorded under: {@code poller:<name>}. */
    public Principal principal() {
        return Principal.poller(source.name());
    }

    /** Takes note of what the append of the last page did; once the run ends, the source is UP until its next interval. */
    public void recorded(Run run, List<AppendOutcome> outcomes) {
        refused.report(run.events, outcomes);
        if (!run.more()) {
            status = Status.UP;
            detail = "";
            Instant now = clock.instant();
            metrics.succeeded(now);
            nextPoll = now.plus(source.interval());
        }
    }

    /** A run failed: refused credentials stop the poller (DOWN); anything transient backs off, honouring Retry-After. */
    public void failed(Exception failure) {
        if (failure instanceof PollFailure f && f.kind() == PollFailure.Kind.AUTH) {
            status = Status.DOWN;
            detail = f.getMessage();
            // Another instance may hold other credentials (a secret rotated on it first): it takes the source over at its
            // next tick. Kept, the lock left the source unpolled while the other instances reported STANDBY. An instance
            // with the same refused credentials tries once and stops as well: one refused call each, no retry loop.
            lease.close();
            metrics.failed(PollerMetrics.Kind.CREDENTIALS);
            LOG.error("{} poller stopped: the credentials were refused ({}). Fix them and restart the gateway; another "
                    + "instance on the same database may poll meanwhile.", source.name(), Redact.text(f.getMessage()));
        } else if (failure instanceof PollFailure f) {
            status = Status.BACKING_OFF;
            detail = f.getMessage();
            Duration wait = f.retryAfter() != null ? f.retryAfter() : source.interval();
            nextPoll = clock.instant().plus(wait);
            metrics.failed(PollerMetrics.Kind.TRANSIENT);
            LOG.warn("{} poll failed, next try in {} s: {}", source.name(), wait.toSeconds(), Redact.text(f.getMessage()));
        } else if (failure instanceof StoreUnavailableException) {
            status = Status.BACKING_OFF;
            detail = "store unavailable";
            nextPoll = clock.instant().plus(source.interval());
            metrics.failed(PollerMetrics.Kind.STORE);
            LOG.warn("{} poll could not be stored: {}", source.name(), Redact.text(failure.getMessage()));
        } else {
            throw new IllegalArgumentException("not a poll or store failure: " + failure, failure);
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
