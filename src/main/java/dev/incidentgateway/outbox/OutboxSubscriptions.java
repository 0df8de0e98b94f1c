package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which connectors the outbox writes rows for, and from which subscription.
 *
 * <ul>
 *   <li>A connector with a sink descriptor ({@code connectors/<name>.yaml}, {@code kind: sink}) follows the
 *       {@link SinkRegistry} rules: on when its required environment is set and the descriptor does not say
 *       {@code enabled: false}. When on, its descriptor (events, minSeverity, templates) is subscribed from the
 *       start; a route's URI options override events and minSeverity. When off, a route for it stays idle.</li>
 *   <li>A target written in YAML only with a sink descriptor (no Java connector of its name) is subscribed from the
 *       start with the descriptor's events and minSeverity, unless it says {@code enabled: false}; its route's URI
 *       options override them.</li>
 *   <li>A connector without a descriptor (a target written in YAML only) is defined by its route's URI options:
 *       all event types and {@code sev4} unless they say otherwise.</li>
 * </ul>
 * Loop prevention ({@link SinkDescriptor#accepts}) applies to both.
 */
public final class OutboxSubscriptions {
    private final Map<String, SinkRegistry.ActiveSink> active = new LinkedHashMap<>();
    private final Map<String, SinkDescriptor> routeOnly = new LinkedHashMap<>();
    private final Set<String> described;
    private final OutboxWriter writer;
    private final Set<String> consumed = new HashSet<>();
    /** Connectors a route delivers, with what delivers them, for the start-up line (sorted: stable to read and grep). */
    private final Map<String, String> delivering = new TreeMap<>();

    OutboxSubscriptions(List<SinkRegistry.ActiveSink> sinks, Set<String> describedSinks, OutboxWriter writer) {
        this(sinks, List.of(), describedSinks, writer);
    }

    OutboxSubscriptions(List<SinkRegistry.ActiveSink> sinks, List<SinkDescriptor> routeOnlyTargets, Set<String> describedSinks,
                        OutboxWriter writer) {
        sinks.forEach(a -> active.put(a.descriptor().name(), a));
        routeOnlyTargets.forEach(d -> routeOnly.put(d.name(), d));
        Set<String> all = new HashSet<>(describedSinks);
        all.addAll(active.keySet());
        all.addAll(routeOnly.keySet());
        this.described = Set.copyOf(all);
        this.writer = writer;
    }

    /**
     * Registers a route's subscription to {@code connector} and returns it; empty when the connector has a descriptor
     * and is off (the route then delivers nothing). {@code events} and {@code minSeverity} are the URI options, or
     * {@code null} when not given. A connector takes one route.
     */
    public synchronized Optional<SinkDescriptor> subscribe(String connector, Set<EventType> events, Severity minSeverity) {
        if (!consumed.add(connector)) {
            throw new IllegalArgumentException("connector '" + connector + "' already has a timeline:outbox route; a connector "
                    + "takes one");
        }
        SinkDescriptor base;
        if (active.containsKey(connector)) {
            base = active.get(connector).descriptor();
        } else if (routeOnly.containsKey(connector)) {
            base = routeOnly.get(connector);
        } else if (described.contains(connector)) {
            return Optional.empty();
        } else {
            base = new SinkDescriptor(connector, EnumSet.allOf(EventType.class), Severity.SEV4, Map.of(),
                    JsonNodeFactory.instance.objectNode());
        }
        SinkDescriptor subscription = new SinkDescriptor(connector, events == null ? base.events() : Set.copyOf(events),
                minSeverity == null ? base.minSeverity() : minSeverity, base.templates(), base.raw());
        writer.subscribe(subscription);
        delivering.put(connector, active.containsKey(connector) ? "Java sink" : "YAML route");
        return Optional.of(subscription);
    }

    /** The Java sink of an active connector (ServiceNow, Jira, Slack, …), for its route's processor. */
    public Optional<Sink> sink(String connector) {
        return Optional.ofNullable(active.get(connector)).map(SinkRegistry.ActiveSink::sink);
    }

    /**
     * Every connector a started {@code timeline:outbox} route delivers, Java sinks and YAML-only targets alike, as
     * {@code name (Java sink)} or {@code name (YAML route)}.
     */
    public synchronized List<String> delivering() {
        return delivering.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
    }

    /** Whether a {@code timeline:outbox} route reads {@code connector}'s rows. */
    public synchronized boolean consumed(String connector) {
        return consumed.contains(connector);
    }

    /** Active connectors and YAML-only targets with a descriptor no route consumes: their rows are written and wait for one. */
    public synchronized List<String> unconsumed() {
        return java.util.stream.Stream.concat(active.keySet().stream(), routeOnly.keySet().stream())
                .filter(c -> !consumed.contains(c)).toList();
    }
}
