package dev.incidentgateway.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorDescriptors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The secret a webhook source names with {@code auth.secretEnv}, declared as a {@link ConfigKey} like every other
 * setting: the descriptor chooses the variable, so the key is built from it ({@code webhooks.<source>.secret}).
 * {@link AuthBlock} reads the secret through it and {@code config} lists it, masked.
 */
public final class WebhookSecrets {
    private WebhookSecrets() {
    }

    public static ConfigKey<String> key(String source, String variable) {
        return ConfigKey.secret("webhooks." + source + ".secret", variable, "",
                "Secret of webhook source '" + source + "' (auth.secretEnv in connectors/" + source + ".yaml); never logged.");
    }

    /** The secret keys of every webhook-source descriptor that names one. */
    public static List<ConfigKey<?>> keys(Map<String, JsonNode> descriptors) {
        List<ConfigKey<?>> out = new ArrayList<>();
        ConnectorDescriptors.ofKind(descriptors, "webhook-source").forEach((name, d) -> {
            String variable = dev.incidentgateway.ingest.WebhookSourceRegistry.KEYS.path(d, "auth").path("secretEnv").asText("");
            if (!variable.isBlank()) {
                out.add(key(name, variable));
            }
        });
        return out;
    }
}
