package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.http.SinkHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the sink descriptors ({@code kind: sink}) and builds the sinks that are on: credentials set in the
 * environment and no {@code enabled: false}. A descriptor with {@code enabled: true} whose credentials are
 * missing, an unknown event type or severity, or a template placeholder that does not exist stops the start.
 */
public final class SinkRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRegistry.class);

    /** A sink that is on, with the subscription it was built from. */
    public record ActiveSink(SinkDescriptor descriptor, Sink sink) {
    }

    private SinkRegistry() {
    }

    public static List<ActiveSink> load(Map<String, JsonNode> allDescriptors, List<SinkFactory> factories, Map<String, String> env,
                                        SinkHttpClient http) {
        Map<String, SinkFactory> byName = new LinkedHashMap<>();
        factories.forEach(f -> byName.put(f.connector(), f));
        List<ActiveSink> active = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ConnectorDescriptors.ofKind(allDescriptors, "sink").forEach((name, d) -> {
            try {
                SinkFactory factory = byName.get(name);
                if (factory == null) {
                    throw new ConfigException("connectors/" + name + ".yaml: no sink connector named '" + name + "' (known: "
                            + byName.keySet() + ")");
                }
                SinkDescriptor descriptor = descriptor(name, d);
                if (ConnectorDescriptors.isOn(name, d, factory.requiredEnv(), env)) {
                    active.add(new ActiveSink(descriptor, factory.create(descriptor, env, http)));
                } else {
                    LOG.info("Sink '{}' is off ({})", name, ConnectorDescriptors.offReason(name, d, factory.requiredEnv()));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        // No "Sinks: [...]" line here: it named the Java sinks only, and read "[]" while a YAML-only target delivered.
        // OutboxModule.logTargets names every target once the routes have started.
        return active;
    }

    static SinkDescriptor descriptor(String name, JsonNode d) {
        String file = "connectors/" + name + ".yaml";
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        JsonNode list = d.path("events");
        if (!list.isArray() || list.isEmpty()) {
            throw new ConfigException(file + ": events must be a non-empty list of event types");
        }
        for (JsonNode e : list) {
            events.add(EventType.fromWire(e.asText()).orElseThrow(() -> new ConfigException(file + ": events: '" + e.asText()
                    + "' is not an event type (declare, ack, mitigate, resolve, close, note, role_assign, state_change)")));
        }
        String min = d.path("minSeverity").asText("sev4");
        Severity minSeverity = Severity.fromWire(min).orElseThrow(() ->
                new ConfigException(file + ": minSeverity must be sev1..sev4, got '" + min + "'"));
        Map<String, String> templates = new LinkedHashMap<>();
        d.path("templates").fields().forEachRemaining(t -> {
            var m = MessageTemplates.PLACEHOLDER.matcher(t.getValue().asText());
            while (m.find()) {
                if (!MessageTemplates.NAMES.contains(m.group(1))) {
                    throw new ConfigException(file + ": templates." + t.getKey() + " uses ${" + m.group(1) + "}; known: "
                            + MessageTemplates.NAMES);
                }
            }
            templates.put(t.getKey(), t.getValue().asText());
        });
        return new SinkDescriptor(name, events, minSeverity, templates, d);
    }
}
