package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.ingest.WebhookSourceRegistry;
import dev.incidentgateway.outbox.SinkRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks every descriptor's top-level keys against those its readers declare: the kind's loader
 * ({@link WebhookSourceRegistry#KEYS}, {@link SinkRegistry#keys}) and, for a webhook source, the mapper it names or,
 * for a sink, the connector of its name ({@link Connector#descriptorKeys}). A key nothing reads is a typo the gateway
 * would otherwise ignore (a {@code minSeverty} that sends everything), so it stops the start, as does a missing or
 * unknown {@code kind} (such a file was skipped by every loader).
 */
public final class DescriptorCheck {
    static final String WEBHOOK_SOURCE = "webhook-source";
    static final String SINK = "sink";

    private DescriptorCheck() {
    }

    /** @throws ConfigException naming each file and key at fault */
    public static void check(Map<String, JsonNode> descriptors, Connectors connectors) {
        List<String> problems = new ArrayList<>();
        java.util.Set<String> mappers = connectors.webhookMappers().keySet();
        descriptors.forEach((name, d) -> {
            String file = "connectors/" + name + ".yaml";
            if (d == null || !d.isObject()) {
                problems.add(file + ": must be a mapping with kind: " + WEBHOOK_SOURCE + " or " + SINK);
                return;
            }
            String kind = ConnectorDescriptors.KEYS.path(d, "kind").asText("");
            String mapper = WEBHOOK_SOURCE.equals(kind) ? WebhookSourceRegistry.KEYS.path(d, "mapper").asText("") : null;
            if (mapper != null && !mappers.contains(mapper)) {
                // Named first: with a misspelled mapper its keys (mapping:) would otherwise be reported as the typo.
                problems.add(WebhookSourceRegistry.unknownMapper(file, mapper, mappers));
                return;
            }
            DescriptorKeys keys = switch (kind) {
                case WEBHOOK_SOURCE -> WebhookSourceRegistry.KEYS.and(connectorKeys(connectors, mapper));
                case SINK -> SinkRegistry.keys(connectors.named(name).flatMap(Connector::sink).isPresent())
                        .and(connectorKeys(connectors, name));
                default -> null;
            };
            if (keys == null) {
                problems.add(file + ": " + (kind.isEmpty() ? "no kind" : "unknown kind '" + kind + "'") + " (known: "
                        + WEBHOOK_SOURCE + ", " + SINK + ")");
            } else {
                problems.addAll(keys.unknown(file, d));
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static DescriptorKeys connectorKeys(Connectors connectors, String name) {
        return connectors.named(name).map(Connector::descriptorKeys).orElse(DescriptorKeys.NONE);
    }
}
