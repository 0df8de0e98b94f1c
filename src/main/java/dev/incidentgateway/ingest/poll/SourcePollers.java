package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.timeline.AppendOutcome;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pollers of this gateway, by source name, bound in the Camel registry as {@value #BEAN} for the poller routes
 * {@code routes/inbound/<name>-poller.camel.yaml}. Each route runs one poller's steps on a timer:
 * {@link #begin} → while {@value #MORE}: {@link #read} → {@code to: timeline:append} → {@link #recorded};
 * {@link #failed} when a poll or the store fails. For a source that is not configured, {@link #begin} finds nothing
 * to do.
 */
public final class SourcePollers implements AutoCloseable {
    public static final String BEAN = "sourcePollers";
    /** Exchange property: true while the run should read another page (the route's loop condition). */
    public static final String MORE = "PollMore";
    private static final String RUN = "gateway.pollRun";

    private final Map<String, SourcePoller> byName = new LinkedHashMap<>();

    public SourcePollers(List<SourcePoller> pollers) {
        pollers.forEach(p -> byName.put(p.name(), p));
    }

    private volatile boolean stopped;

    /** Route step, every second: starts a run when the source is configured, due and led by this instance ({@value #MORE} says so). */
    public void begin(String name, Exchange exchange) {
        SourcePoller poller = byName.get(name);
        SourcePoller.Run run = poller == null || stopped ? null : poller.begin();
        exchange.setProperty(RUN, run);
        exchange.setProperty(MORE, run != null);
    }

    /** Route step: the body becomes the next page (events + watermark); the exchange's principal is the poller's. */
    public void read(String name, Exchange exchange) throws PollFailure {
        SourcePoller poller = byName.get(name);
        exchange.setProperty(ApiRequest.PRINCIPAL_PROPERTY, poller.principal());
        exchange.getMessage().setBody(poller.read(run(exchange)));
    }

    /** Route step after {@code timeline:append}: the body is the page's outcomes; {@value #MORE} says whether to go on. */
    public void recorded(String name, Exchange exchange) {
        SourcePoller.Run run = run(exchange);
        List<?> outcomes = exchange.getMessage().getBody(List.class);
        byName.get(name).recorded(run, outcomes.stream().map(AppendOutcome.class::cast).toList());
        exchange.setProperty(MORE, run.more());
    }

    /** The route's doCatch for a poll failure or the store's trouble: health and backoff as {@link SourcePoller#failed}. */
    public void failed(String name, Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable t = caught; t != null; t = t.getCause()) { // a bean step's checked PollFailure may arrive wrapped
            if (t instanceof PollFailure || t instanceof dev.incidentgateway.timeline.StoreUnavailableException) {
                byName.get(name).failed((Exception) t);
                return;
            }
        }
        throw new IllegalStateException("poll-" + name + ": not a poll or store failure", caught);
    }

    private static SourcePoller.Run run(Exchange exchange) {
        return exchange.getProperty(RUN, SourcePoller.Run.class);
    }

    public List<SourcePoller> all() {
        return List.copyOf(byName.values());
    }

    /** Shutdown: later ticks do nothing; a run under way finishes (Camel's route shutdown waits for it). */
    public void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        byName.values().forEach(SourcePoller::close);
    }
}
