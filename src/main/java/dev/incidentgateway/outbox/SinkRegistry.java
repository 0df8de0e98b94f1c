package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.http.SinkHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.DescriptorKeys;
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
 * A descriptor whose name no Java connector has is the settings of a target written in YAML only (its route
 * {@code from: timeline:outbox?connector=<name>}): its events and minSeverity are that route's defaults.
 */
public final class SinkRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRegistry.class);

    /** The keys read here from every sink descriptor; a YAML-only target's descriptor may hold only these. */
    public static final DescriptorKeys KEYS = ConnectorDescriptors.KEYS.and(DescriptorKeys.of("events", "minSeverity"));
    /**
     * The keys a Java sink reads besides {@link #KEYS}: its message templates (checked here) and its {@code link}
     * ({@link IncidentLink}). A YAML route renders no template, so a YAML-only target's descriptor is refused them.
     */
    public static final DescriptorKeys JAVA_SINK_KEYS = DescriptorKeys.of("templates", IncidentLink.KEY);

    /** A sink that is on, with the subscription it was built from. */
    public record ActiveSink(SinkDescriptor descriptor, Sink sink) {
    }

    /** The sinks that are on: Java sinks, and the descriptors of YAML-only targets (their routes deliver). */
    public record Loaded(List<ActiveSink> sinks, List<SinkDescriptor> routeOnly) {
    }

    private SinkRegistry() {
    }

    /** The keys a sink descriptor may hold, before the connector's own ({@code javaSink}: a Java connector delivers). */
    public static DescriptorKeys keys(boolean javaSink) {
        return javaSink ? KEYS.and(JAVA_SINK_KEYS) : KEYS;
    }

    /** The Java sinks that are on ({@link #loadAll} without the YAML-only targets). */
    public static List<ActiveSink> load(Map<String, JsonNode> allDescriptors, List<SinkFactory> factories, Map<String, String> env,
                                        SinkHttpClient http) {
        return loadAll(allDescriptors, factories, Set.of(), env, http).sinks();
    }

    /**
     * @param otherConnectors the names of discovered connectors without a sink: a sink descriptor with one of those names
     *                        is refused (it would take that connector's descriptor file, e.g. a webhook mapper's)
     */
    public static Loaded loadAll(Map<String, JsonNode> allDescriptors, List<SinkFactory> factories, Set<String> otherConnectors,
                                 Map<String, String> env, SinkHttpClient http) {
        Map<String, SinkFactory> byName = new LinkedHashMap<>();
        factories.forEach(f -> byName.put(f.connector(), f));
        List<ActiveSink> active = new ArrayList<>();
        List<SinkDescriptor> routeOnly = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ConnectorDescriptors.ofKind(allDescriptors, "sink").forEach((name, d) -> {
            try {
                SinkFactory factory = byName.get(name);
                if (factory == null && otherConnectors.contains(name)) {
                    throw new ConfigException("connectors/" + name + ".yaml: connector '" + name + "' has no sink (sink "
                            + "connectors: " + byName.keySet() + "); a target written in YAML needs a name of its own");
                }
                SinkDescriptor descriptor = descriptor(name, d);
                if (factory == null) {
                    if (ConnectorDescriptors.isOn(name, d, List.of(), env)) {
                        routeOnly.add(descriptor);
                    } else {
                        LOG.info("Sink '{}' is off (enabled: false)", name);
                    }
                } else if (ConnectorDescriptors.isOn(name, d, factory.requiredEnv(), env)) {
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
        return new Loaded(active, routeOnly);
    }

    static SinkDescriptor descriptor(String name, JsonNode d) {
        String file = "connectors/" + name + ".yaml";
        JsonNode list = KEYS.path(d, "events");
        // Without events: every type, as README's options table says (a YAML target that only says enabled: false).
        boolean absent = list.isMissingNode() || list.isNull();
        Set<EventType> events = absent ? EnumSet.allOf(EventType.class) : EnumSet.noneOf(EventType.class);
        if (!absent && (!list.isArray() || list.isEmpty())) {
            throw new ConfigException(file + ": events must be a non-empty list of event types (or left out: every type)");
        }
        for (JsonNode e : list) {
            events.add(EventType.fromWire(e.asText()).orElseThrow(() -> new ConfigException(file + ": events: '" + e.asText()
                    + "' is not an event type (declare, ack, mitigate, resolve, close, note, role_assign, state_change)")));
        }
        String min = KEYS.path(d, "minSeverity").asText("sev4");
        Severity minSeverity = Severity.fromWire(min).orElseThrow(() ->
                new ConfigException(file + ": minSeverity must be sev1..sev4, got '" + min + "'"));
        Map<String, String> templates = new LinkedHashMap<>();
        JAVA_SINK_KEYS.path(d, "templates").fields().forEachRemaining(t -> {
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
