package dev.incidentgateway.connectors;

import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.outbox.SinkFactory;

import java.util.List;

/** A {@link SinkFactory} whose name and required variables come from its connector's declared settings. */
public abstract class VendorSinkFactory implements SinkFactory {
    private final String connector;
    private final List<String> requiredEnv;

    /** @param required the settings that must all be set for the sink to be on */
    protected VendorSinkFactory(String connector, ConfigKey<?>... required) {
        this.connector = connector;
        this.requiredEnv = java.util.Arrays.stream(required).map(ConfigKey::env).toList();
    }

    @Override
    public final String connector() {
        return connector;
    }

    @Override
    public final List<String> requiredEnv() {
        return requiredEnv;
    }
}
