package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.security.Principal;
import dev.incidentgateway.security.Redact;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineStore;
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
 * watermark (best effort: a change the state machine refuses is reported, not blocking). The poller keeps
 * no progress of its own; after a crash it resumes from the last committed page.
 */
public final class SourcePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);
    private static final int MAX_PAGES_PER_TICK = 1000;

    /** What /health reports for the poller. */
    public enum Status { STARTING, UP, STANDBY, BACKING_OFF, DOWN }

    private final PollingSource source;
    private final TimelineStore store;
    private final PollerLease lease;
    private final Clock clock;
    private volatile Status status = Status.STARTING;
    private volatile String detail = "";
    private Instant nextPoll = Instant.MIN;

    public SourcePoller(PollingSource source, TimelineStore store, DataSource dataSource, SqlDialect dialect, Clock clock) {
        this.source = source;
        this.store = store;
        this.lease = new PollerLease(dataSource, dialect, source.name());
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

    /** One tick of the timer route. Never throws: a failure is logged and reflected in {@link #status()}. */
    public void tick() {
        if (status == Status.DOWN || clock.instant().isBefore(nextPoll)) {
            return;
        }
        if (!lease.acquire()) {
            status = Status.STANDBY;
            detail = "another gateway instance polls " + source.name();
            return;
        }
        try {
            for (int pages = 0; pages < MAX_PAGES_PER_TICK; pages++) {
                String watermark = store.watermark(source.name()).orElse(null);
                PollPage page = source.poll(watermark);
                boolean moved = page.nextWatermark() != null && !page.nextWatermark().equals(watermark);
                // The poller, not the source's data, decides provenance: loop prevention keys on it.
                String principal = Principal.poller(source.name()).name();
                List<NewEvent> events = page.events().stream().map(e -> e.withPrincipal(principal)).toList();
                List<AppendOutcome> outcomes = events.isEmpty() && !moved ? List.of()
                        : store.appendPolled(events, moved ? new SourceProgress(source.name(), page.nextWatermark()) : null);
                long refused = outcomes.stream().filter(o -> o.kind() == AppendOutcome.Kind.REFUSED).count();
                if (refused > 0) {
                    LOG.info("{} poll: {} change(s) refused by the state machine and skipped", source.name(), refused);
                }
                if (!page.more()) {
                    break;
                }
            }
            status = Status.UP;
            detail = "";
            nextPoll = clock.instant().plus(source.interval());
        } catch (PollFailure f) {
            if (f.kind() == PollFailure.Kind.AUTH) {
                status = Status.DOWN;
                detail = f.getMessage();
                LOG.error("{} poller stopped: the credentials were refused ({}). Fix them and restart the gateway.",
                        source.name(), Redact.text(f.getMessage()));
            } else {
                status = Status.BACKING_OFF;
                detail = f.getMessage();
                Duration wait = f.retryAfter() != null ? f.retryAfter() : source.interval();
                nextPoll = clock.instant().plus(wait);
                LOG.warn("{} poll failed, next try in {} s: {}", source.name(), wait.toSeconds(), Redact.text(f.getMessage()));
            }
        } catch (StoreUnavailableException e) {
            status = Status.BACKING_OFF;
            detail = "store unavailable";
            nextPoll = clock.instant().plus(source.interval());
            LOG.warn("{} poll could not be stored: {}", source.name(), Redact.text(e.getMessage()));
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
