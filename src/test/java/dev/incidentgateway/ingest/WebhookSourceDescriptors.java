package dev.incidentgateway.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Webhook sources that exist only as files in the connectors directory, written for {@link WebhookSourcesHarness}'s
 * gateway: acme (Standard Webhooks, secret ACME_SECRET), openhook (explicitly open), batchhook, dormant (its secret's
 * variable is never set).
 */
final class WebhookSourceDescriptors {
    private WebhookSourceDescriptors() {
    }

    /** Writes every descriptor file into {@code dir}. */
    static void write(Path dir) throws IOException {
        String mapping = """
                mapping:
                  correlationKey: "$.check"
                  eventType:
                    path: "$.state"
                    values: { down: declare, up: resolve }
                  title: "$.summary"
                  severity: "$.sev"
                  actor: "$.by"
                  eventId: "$.id"
                  data:
                    region: "$.region"
                """;
        Files.writeString(dir.resolve("acme.yaml"), """
                # A third-party monitor signing with Standard Webhooks, declared by this file alone.
                kind: webhook-source
                name: acme
                mapper: jsonpath
                auth:
                  mode: standard-webhooks
                  secretEnv: ACME_SECRET
                """ + mapping);
        Files.writeString(dir.resolve("openhook.yaml"), """
                kind: webhook-source
                name: openhook
                mapper: jsonpath
                auth: {mode: none}
                """ + mapping);
        Files.writeString(dir.resolve("batchhook.yaml"), """
                # A machine sender that resends every alert's state in each batch.
                kind: webhook-source
                name: batchhook
                mapper: jsonpath
                auth: {mode: none}
                mapping:
                  items: "$.alerts[*]"
                  correlationKey: "$.check"
                  eventType:
                    path: "$.state"
                    values: { firing: declare, acked: ack, mitigated: mitigate, resolved: resolve }
                  title: "$.summary"
                """);
        Files.writeString(dir.resolve("dormant.yaml"), """
                # Names a secret of its own that is not set, and does not say enabled: true → stays off.
                kind: webhook-source
                name: dormant
                mapper: jsonpath
                auth:
                  mode: hmac-sha256-hex
                  secretEnv: DORMANT_SECRET_NOT_SET_%s
                """.formatted(UUID.randomUUID().toString().replace("-", "").toUpperCase()) + mapping);
    }
}
