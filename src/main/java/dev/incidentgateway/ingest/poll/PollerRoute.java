package dev.incidentgateway.ingest.poll;

import org.apache.camel.builder.RouteBuilder;

import java.util.List;

/**
 * One Camel timer route per polling source. It ticks often (at most every second) so a standby instance
 * notices a lost leader quickly; the poller itself decides whether its interval has come.
 */
public final class PollerRoute extends RouteBuilder {
    private final List<SourcePoller> pollers;

    public PollerRoute(List<SourcePoller> pollers) {
        this.pollers = List.copyOf(pollers);
    }

    @Override
    public void configure() {
        for (SourcePoller poller : pollers) {
            long tick = Math.max(100, Math.min(1000, poller.interval().toMillis()));
            from("timer:poll-" + poller.name() + "?delay=" + tick + "&period=" + tick)
                    .routeId("poll-" + poller.name())
                    .process(exchange -> poller.tick());
        }
    }
}
