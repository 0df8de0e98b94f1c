package dev.incidentgateway.ingest;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.connectors.Connector;

import java.util.Optional;

/**
 * {@code mapper: alertmanager}: the Alertmanager webhook payload ({@link AlertmanagerMapper}), severities from the
 * descriptor's {@code severity:} block. Payloads of the same shape (Grafana) extend it.
 */
public class AlertmanagerConnector implements Connector {
    /** The constructor of a mapper of Alertmanager's payload shape. */
    protected interface ShapeMapper {
        AlertmanagerMapper create(String source, AlertmanagerMapper.SeverityMapping severities, ObjectMapper json,
                                  boolean resolveOnClear);
    }

    private final String name;
    private final ShapeMapper mapper;

    public AlertmanagerConnector() {
        this("alertmanager", AlertmanagerMapper::new);
    }

    protected AlertmanagerConnector(String name, ShapeMapper mapper) {
        this.name = name;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The descriptor keys (for Grafana too): the severity mapping, and {@code resolveOnClear} (default {@code true}: a
     * cleared alert resolves its incident; {@code false}: it is a note on it and the incident stays open).
     */
    private static final DescriptorKeys KEYS = DescriptorKeys.of("severity", "resolveOnClear");

    @Override
    public DescriptorKeys descriptorKeys() {
        return KEYS;
    }

    @Override
    public Optional<WebhookMapperFactory> webhookMapper() {
        return Optional.of((source, d, json) -> mapper.create(source,
                AlertmanagerMapper.SeverityMapping.fromDescriptor(source, KEYS.path(d, "severity")), json,
                resolveOnClear(source, KEYS.path(d, "resolveOnClear"))));
    }

    private static boolean resolveOnClear(String source, JsonNode value) {
        if (value.isMissingNode()) {
            return true;
        }
        if (!value.isBoolean()) {
            throw new ConfigException("connectors/" + source + ".yaml: resolveOnClear must be true or false, got '"
                    + value.asText() + "'");
        }
        return value.booleanValue();
    }
}
