package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.SinkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Connector} put together from its parts, so a vendor's connector class is one constructor call:
 * {@code super("jira", JiraSettings.KEYS, new JiraSinkFactory(), JiraPoller::create)}.
 */
public abstract class VendorConnector implements Connector {
    private static final Logger LOG = LoggerFactory.getLogger(VendorConnector.class);

    /**
     * Builds the poller, or returns {@code null} when it is off (credentials unset, interval 0). Not called when the
     * descriptor says {@code enabled: false}.
     */
    @FunctionalInterface
    public interface PollerFactory {
        PollingSource create(JsonNode descriptor, Map<String, String> env, SinkHttpClient http, ExternalRefs refs);
    }

    private final String name;
    private final List<ConfigKey<?>> settings;
    private final SinkFactory sink;
    private final PollerFactory poller;

    /**
     * @param sink   {@code null} when the vendor has no sink
     * @param poller {@code null} when the vendor has no poller
     */
    protected VendorConnector(String name, List<ConfigKey<?>> settings, SinkFactory sink, PollerFactory poller) {
        this.name = name;
        this.settings = List.copyOf(settings);
        this.sink = sink;
        this.poller = poller;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<ConfigKey<?>> settings() {
        return settings;
    }

    @Override
    public final Optional<SinkFactory> sink() {
        return Optional.ofNullable(sink);
    }

    /**
     * The poller, unless the vendor has none, it is off by its own settings, or the descriptor says {@code enabled: false}:
     * that switch turns off the whole connector, so an operator who switched ServiceNow off has no incidents imported
     * from it and its credentials unused (logged like the sink's "is off" line; an off poller is not on /health).
     */
    @Override
    public final Optional<PollingSource> poller(JsonNode descriptor, Map<String, String> env, SinkHttpClient http, ExternalRefs refs) {
        if (poller == null) {
            return Optional.empty();
        }
        if (ConnectorDescriptors.switchedOff(name, descriptor)) {
            LOG.info("Poller '{}' is off (enabled: false)", name);
            return Optional.empty();
        }
        Optional<PollingSource> created = Optional.ofNullable(poller.create(descriptor, env, http, refs));
        // Said at start: the sink's variables turn the poller on too, and what it imports goes on to every other target.
        String offSwitch = settings.stream().filter(k -> k.name().endsWith(".pollIntervalSeconds")).findFirst()
                .map(k -> k.env() + "=0").orElse("a poll interval of 0");
        created.ifPresent(p -> LOG.info("Poller '{}' is on: changes made in {} become timeline events, every {} s ({} turns it off)",
                name, name, p.interval().toSeconds(), offSwitch));
        return created;
    }
}
