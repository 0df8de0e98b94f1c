package dev.incidentgateway.outbox;

import org.apache.camel.builder.RouteBuilder;

import java.util.List;

/**
 * One Camel timer route per active sink drives its relay. A pass that found work is followed at once by
 * another, so a backlog drains at full speed; an idle relay polls every {@code pollMillis}.
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
                    .process(exchange -> {
                        int handled;
                        do {
                            handled = relay.pass();
                        } while (handled > 0 && getContext().isStarted());
                    });
        }
    }
}
