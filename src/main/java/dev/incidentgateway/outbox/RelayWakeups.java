package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.TimelineEvent;

import java.util.Collection;
import java.util.List;

/**
 * The writer's after-commit hook for the relays of this process: once events are durable, the relay of every
 * connector subscribed to one of their types is woken, so a quiet event is claimed at once instead of at the next poll.
 * Only a signal (it must not block the writer); a relay woken for an event its severity filter refused finds nothing
 * due and sleeps again. Rows committed by other instances are still found by the relays' poll.
 */
final class RelayWakeups implements AppendListener {
    private final OutboxWriter writer;
    private final Collection<OutboxRelay> relays;

    RelayWakeups(OutboxWriter writer, Collection<OutboxRelay> relays) {
        this.writer = writer;
        this.relays = relays;
    }

    @Override
    public void afterCommit(List<TimelineEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (OutboxRelay relay : relays) {
            writer.subscription(relay.connector()).ifPresent(s -> {
                if (events.stream().anyMatch(e -> s.events().contains(e.type()))) {
                    relay.wake();
                }
            });
        }
    }
}
