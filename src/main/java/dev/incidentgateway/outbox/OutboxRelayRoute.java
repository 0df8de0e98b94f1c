package dev.incidentgateway.outbox;

import org.apache.camel.builder.RouteBuilder;

import java.util.List;

/**
 * One Camel timer route per active sink drives its relay ({@link OutboxRelay#drive}): while deliveries run,
 * every finished one is followed at once by another pass, so a backlog drains at full speed and a hung
 * delivery blocks only its own slot; an idle relay polls every {@code pollMillis}.
 */
public final class OutboxRelayRoute extends RouteBuilder {
    private final List<OutboxRelay> relays;
    private final long pollMillis;

    public OutboxRelayRoute(List<OutboxRelay> relays, long pollMillis) {
        this.relays = List.copyOf(relays);
        this.pollMillis = pollMillis;
    }

    @Override
    public void configure() {
        for (OutboxRelay relay : relays) {
            from("timer:outbox-" + relay.connector() + "?delay=" + pollMillis + "&period=" + pollMillis)
                    .routeId("outbox-relay-" + relay.connector())
                    .process(exchange -> relay.drive(getContext()::isStarted, java.time.Duration.ofMillis(pollMillis)));
        }
    }
}
