package dev.incidentgateway.ingest;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.connectors.Connector;

import java.util.Optional;

/**
 * {@code mapper: alertmanager}: the Alertmanager webhook payload ({@link AlertmanagerMapper}), severities from the
 * descriptor's {@code severity:} block. Payloads of the same shape (Grafana) extend it.
 */
public class AlertmanagerConnector implements Connector {
    /** The constructor of a mapper of Alertmanager's payload shape. */
    protected interface ShapeMapper {
        AlertmanagerMapper create(String source, AlertmanagerMapper.SeverityMapping severities, ObjectMapper json);
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

    /** The descriptor key of the severity mapping (for Grafana too). */
    private static final DescriptorKeys KEYS = DescriptorKeys.of("severity");

    @Override
    public DescriptorKeys descriptorKeys() {
        return KEYS;
    }

    @Override
    public Optional<WebhookMapperFactory> webhookMapper() {
        return Optional.of((source, d, json) -> mapper.create(source,
                AlertmanagerMapper.SeverityMapping.fromDescriptor(source, KEYS.path(d, "severity")), json));
    }
}
