package dev.incidentgateway.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What each declared webhook source has sent <b>since this process started</b>: requests accepted and refused, when
 * each last happened, and the last refusal's status and title. Kept in memory only (a restart starts from zero; the
 * timeline itself is the durable record); also counted as {@code gateway.webhook.requests{source,outcome}}.
 * <p>
 * The set of sources is fixed when the gateway starts: a request to an undeclared name changes nothing here, so a
 * stranger cycling through made-up names cannot grow this state (or the meter registry).
 */
public final class WebhookSourceActivity {
    /** One source's activity so far; {@code null} times and refusal when it never happened. */
    public record Snapshot(long accepted, long refused, Instant lastAcceptedAt, Instant lastRefusedAt, String lastRefusal) {
    }

    private static final class Counts {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final Counter acceptedMeter;
        final Counter refusedMeter;
        /**
         * Items of accepted requests that the source's mapping turned into no event (a ping, a type it does not map). A
         * source whose payloads all map to nothing is answered 200 {@code ignored} and counted as accepted: this is how an
         * alert sees it (skipped items rising while the source appends nothing).
         */
        final Counter skippedMeter;
        volatile Instant lastAcceptedAt;
        volatile Instant lastRefusedAt;
        volatile String lastRefusal;

        Counts(String source, MeterRegistry meters) {
            acceptedMeter = meter(meters, source, "accepted");
            refusedMeter = meter(meters, source, "refused");
            skippedMeter = Counter.builder("gateway.webhook.items.skipped")
                    .description("Items of accepted webhook requests the source's mapping turned into no event, per declared source")
                    .tag("source", source).register(meters);
        }

        private static Counter meter(MeterRegistry meters, String source, String outcome) {
            return Counter.builder("gateway.webhook.requests").description("Webhook requests per declared source since start")
                    .tag("source", source).tag("outcome", outcome).register(meters);
        }
    }

    private final Map<String, Counts> bySource;
    private final Clock clock;

    /** The sender's refusals (4xx) in the log, a line a minute per source and status at most. */
    private final dev.incidentgateway.security.RefusalLog refusals;

    /** @param refusals the process's refusal log, shared with the API's (one once-a-minute window per kind) */
    public WebhookSourceActivity(Collection<String> declaredSources, MeterRegistry meters, Clock clock,
                                 dev.incidentgateway.security.RefusalLog refusals) {
        this.bySource = declaredSources.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), s -> new Counts(s, meters)));
        this.clock = clock;
        this.refusals = refusals;
    }

    /**
     * A request of {@code source} was stored (replied 200), {@code skipped} of its items mapped to no event; ignored for an
     * undeclared name.
     */
    public void accepted(String source, int skipped) {
        Counts c = source == null ? null : bySource.get(source);
        if (c != null) {
            c.accepted.incrementAndGet();
            c.acceptedMeter.increment();
            c.skippedMeter.increment(skipped);
            c.lastAcceptedAt = clock.instant();
        }
    }

    /** A request of {@code source} was refused with {@code status} and the problem's {@code title}; ignored for an undeclared name. */
    public void refused(String source, int status, String title) {
        Counts c = source == null ? null : bySource.get(source);
        if (c != null) {
            c.refused.incrementAndGet();
            c.refusedMeter.increment();
            c.lastRefusedAt = clock.instant();
            c.lastRefusal = title == null || title.isBlank() ? Integer.toString(status) : status + " " + title;
            if (status >= 400 && status < 500) { // a 503 is ours, and a store outage is logged once (StoreOutage)
                refusals.refused("a request to webhook source " + source, status, (title == null ? "" : title) + whatToDo(status));
            }
        }
    }

    /**
     * What the on-call can do about a sender's refused requests, for the log line: a credential refused is the sender's
     * configuration against the source's secret; anything else, a payload the source does not take, is told in detail
     * by {@code GET /api/v1/sources} (the last refusal) and by the answer the sender got.
     */
    private static String whatToDo(int status) {
        if (status == 401 || status == 403) {
            return " (check the sender's token or signing secret against the source's; GET /api/v1/sources shows its auth mode)";
        }
        return " (the sender's request does not fit the source: GET /api/v1/sources shows its last refusal)";
    }

    /** The activity of a declared source; empty for any other name. */
    public Optional<Snapshot> of(String source) {
        Counts c = bySource.get(source);
        return c == null ? Optional.empty()
                : Optional.of(new Snapshot(c.accepted.get(), c.refused.get(), c.lastAcceptedAt, c.lastRefusedAt, c.lastRefusal));
    }
}
