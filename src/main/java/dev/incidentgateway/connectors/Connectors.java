package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.WebhookMapperFactory;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.SinkFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The connectors on the class path ({@link ServiceLoader} of {@link Connector}), in class-path order: the
 * build's own and any a jar or the tests add. Two connectors with one name stop the start.
 */
public final class Connectors {
    private final List<Connector> all;

    private Connectors(List<Connector> all) {
        this.all = List.copyOf(all);
    }

    /** The connectors found by {@link ServiceLoader}. */
    public static Connectors discover() {
        List<Connector> found = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Connector c : ServiceLoader.load(Connector.class, Connectors.class.getClassLoader())) {
            String before = seen.putIfAbsent(c.name(), c.getClass().getName());
            if (before != null) {
                throw new dev.incidentgateway.config.ConfigException("two connectors named '" + c.name() + "': " + before
                        + " and " + c.getClass().getName() + " (META-INF/services/" + Connector.class.getName() + ")");
            }
            found.add(c);
        }
        return new Connectors(found);
    }

    /**
     * Every connector descriptor ({@link ConnectorDescriptors#loadConfigured}), each checked against the keys its
     * kind and connector read ({@link DescriptorCheck}): a typo stops the start rather than being ignored.
     */
    public Map<String, JsonNode> descriptors(GatewayConfig config) {
        Map<String, JsonNode> descriptors = ConnectorDescriptors.loadConfigured(config);
        DescriptorCheck.check(descriptors, this);
        return descriptors;
    }

    /** The connector of this name, if one was discovered. */
    public Optional<Connector> named(String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<Connector> all() {
        return all;
    }

    /** The sink factories, for {@link dev.incidentgateway.outbox.SinkRegistry#load}. */
    public List<SinkFactory> sinkFactories() {
        List<SinkFactory> out = new ArrayList<>();
        all.forEach(c -> c.sink().ifPresent(out::add));
        return out;
    }

    /** The names of the connectors that offer no sink (webhook mappers, …): no sink descriptor may take one. */
    public java.util.Set<String> withoutSink() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        all.stream().filter(c -> c.sink().isEmpty()).forEach(c -> out.add(c.name()));
        return out;
    }

    /** The pollers that are on, each given the descriptor of its name. */
    public List<PollingSource> pollers(Map<String, JsonNode> descriptors, Map<String, String> env, SinkHttpClient http,
                                       ExternalRefs refs) {
        List<PollingSource> out = new ArrayList<>();
        all.forEach(c -> c.poller(descriptors.get(c.name()), env, http, refs).ifPresent(out::add));
        return out;
    }

    /** Webhook mappers by the name a descriptor's {@code mapper:} gives. */
    public Map<String, WebhookMapperFactory> webhookMappers() {
        Map<String, WebhookMapperFactory> out = new LinkedHashMap<>();
        all.forEach(c -> c.webhookMapper().ifPresent(m -> out.put(c.name(), m)));
        return out;
    }

    /** Every connector's settings, by connector name. */
    public Map<String, List<ConfigKey<?>>> settings() {
        Map<String, List<ConfigKey<?>>> out = new LinkedHashMap<>();
        all.forEach(c -> {
            if (!c.settings().isEmpty()) {
                out.put(c.name(), c.settings());
            }
        });
        return out;
    }
}
