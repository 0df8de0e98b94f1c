package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.ingest.auth.WebhookAuthenticators;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which webhook sources take a gateway-managed token ({@link WebhookAuthenticators#usesGatewayToken}: bearer
 * without {@code auth.secretEnv}), decided from the connector descriptors alone, so the gateway, the legacy-token
 * upgrade and {@code webhook-token} agree. A source turned off ({@code enabled: false}) still counts: its token
 * can be issued before it is turned on.
 */
public final class GatewayTokenSources {
    private static final String KIND = "webhook-source";

    private GatewayTokenSources() {
    }

    /** @param allDescriptors every connector descriptor ({@link ConnectorDescriptors#load}) */
    public static Set<String> of(Map<String, JsonNode> allDescriptors) {
        Set<String> out = new TreeSet<>();
        ConnectorDescriptors.ofKind(allDescriptors, KIND).forEach((name, d) -> {
            if (WebhookAuthenticators.usesGatewayToken(WebhookSourceRegistry.KEYS.path(d, "auth"))) {
                out.add(name);
            }
        });
        return out;
    }

    /** Why {@code name} cannot have a gateway-managed token (for the CLI to say), or empty when it can. */
    public static Optional<String> whyNot(Map<String, JsonNode> allDescriptors, String name) {
        JsonNode d = ConnectorDescriptors.ofKind(allDescriptors, KIND).get(name);
        if (d == null) {
            return Optional.of("there is no webhook source '" + name + "' (webhook sources: "
                    + String.join(", ", ConnectorDescriptors.ofKind(allDescriptors, KIND).keySet()) + ")");
        }
        JsonNode auth = WebhookSourceRegistry.KEYS.path(d, "auth");
        if (WebhookAuthenticators.usesGatewayToken(auth)) {
            return Optional.empty();
        }
        String mode = auth.path("mode").asText("");
        if (mode.equals("bearer")) {
            return Optional.of("webhook source '" + name + "' takes its own token from the environment variable "
                    + auth.path("secretEnv").asText() + " (auth.secretEnv in connectors/" + name + ".yaml), not a gateway-managed one");
        }
        return Optional.of("webhook source '" + name + "' uses auth.mode " + (mode.isEmpty() ? "(none given)" : mode)
                + ", not bearer: it takes no gateway-managed token");
    }
}
