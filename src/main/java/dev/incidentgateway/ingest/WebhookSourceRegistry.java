package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.ingest.auth.WebhookAuthenticator;
import dev.incidentgateway.ingest.auth.WebhookAuthenticators;
import dev.incidentgateway.ingest.generic.JsonPathWebhookMapper;
import dev.incidentgateway.timeline.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads the webhook sources from connector descriptors ({@code kind: webhook-source}): those shipped in the
 * jar ({@code connectors/*.yaml}), replaced or extended by files in the connectors directory. Every problem
 * stops the start with the file and key named; every open source ({@code auth.mode: none}) is logged.
 */
public final class WebhookSourceRegistry {
    /** Descriptors shipped inside the jar (the classpath copy of the repository's connectors/). */
    static final List<String> SHIPPED = List.of("alertmanager", "grafana", "cloudevents", "pagerduty", "datadog");
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSourceRegistry.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private WebhookSourceRegistry() {
    }

    public static Map<String, WebhookSource> load(Path connectorsDir, Map<String, String> env, String defaultToken,
                                                  ObjectMapper json) {
        Map<String, JsonNode> descriptors = new TreeMap<>();
        for (String name : SHIPPED) {
            try (InputStream in = WebhookSourceRegistry.class.getClassLoader().getResourceAsStream("connectors/" + name + ".yaml")) {
                if (in != null) {
                    descriptors.put(name, YAML.readTree(in));
                }
            } catch (IOException e) {
                throw new ConfigException("connectors/" + name + ".yaml (shipped): not readable YAML: " + e.getMessage());
            }
        }
        if (connectorsDir != null && Files.isDirectory(connectorsDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(connectorsDir, "*.yaml")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
                    try {
                        descriptors.put(name, YAML.readTree(file.toFile()));
                    } catch (IOException e) {
                        throw new ConfigException(file + ": not readable YAML: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(connectorsDir + ": cannot list connector descriptors: " + e.getMessage());
            }
        }
        Map<String, WebhookSource> sources = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        descriptors.forEach((name, d) -> {
            if (d == null || !"webhook-source".equals(d.path("kind").asText())) {
                return; // sinks and pollers are read by their own loaders
            }
            try {
                if (isOn(name, d, env)) {
                    sources.put(name, source(name, d, env, defaultToken, json));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        sources.values().stream().filter(s -> s.authenticator().mode().equals("none")).forEach(s ->
                LOG.warn("Webhook source '{}' is OPEN (auth.mode: none): anyone who can reach POST /webhooks/{} can write to the timeline",
                        s.name(), s.name()));
        LOG.info("Webhook sources: {}", sources.keySet());
        return sources;
    }

    /**
     * As for sinks: a source is on unless its descriptor says {@code enabled: false}; one that names a secret
     * variable of its own ({@code auth.secretEnv}) and does not say {@code enabled: true} stays off until that
     * variable is set, so the shipped descriptors never block a start with no environment. With
     * {@code enabled: true}, a missing secret stops the start (naming the variable).
     */
    private static boolean isOn(String name, JsonNode d, Map<String, String> env) {
        String enabled = d.path("enabled").asText("");
        if (!enabled.isEmpty() && !enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigException("connectors/" + name + ".yaml: enabled must be true or false, got '" + enabled + "'");
        }
        if (enabled.equals("false")) {
            LOG.info("Webhook source '{}' is disabled (enabled: false)", name);
            return false;
        }
        String secretEnv = d.path("auth").path("secretEnv").asText("");
        if (enabled.isEmpty() && !secretEnv.isEmpty() && env.getOrDefault(secretEnv, "").isBlank()) {
            LOG.info("Webhook source '{}' is off until {} is set", name, secretEnv);
            return false;
        }
        return true;
    }

    private static WebhookSource source(String name, JsonNode d, Map<String, String> env, String defaultToken, ObjectMapper json) {
        String file = "connectors/" + name + ".yaml";
        String declared = d.path("name").asText(name);
        if (!declared.equals(name)) {
            throw new ConfigException(file + ": name '" + declared + "' must match the file name '" + name + "'");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new ConfigException(file + ": name must be lower-case letters, digits and '-' (it is the URL path)");
        }
        WebhookAuthenticator auth = WebhookAuthenticators.create(name, d.path("auth"), env, defaultToken, Clock.systemUTC());
        String mapper = d.path("mapper").asText("");
        WebhookMapper m = switch (mapper) {
            case "alertmanager" -> new AlertmanagerMapper(name, severities(file, d.path("severity")), json);
            case "grafana" -> new GrafanaMapper(name, severities(file, d.path("severity")), json);
            case "cloudevents" -> new CloudEventsWebhookMapper(json);
            case "jsonpath" -> JsonPathWebhookMapper.fromDescriptor(name, d.path("mapping"));
            default -> throw new ConfigException(file + ": mapper must be one of alertmanager, grafana, cloudevents, jsonpath; got '"
                    + mapper + "'");
        };
        return new WebhookSource(name, auth, m);
    }

    private static AlertmanagerMapper.SeverityMapping severities(String file, JsonNode node) {
        if (node.isMissingNode()) {
            return AlertmanagerMapper.SeverityMapping.DEFAULT;
        }
        Map<String, Severity> values = new HashMap<>();
        node.path("values").fields().forEachRemaining(e -> values.put(e.getKey().toLowerCase(Locale.ROOT),
                Severity.fromWire(e.getValue().asText()).orElseThrow(() -> new ConfigException(file + ": severity.values."
                        + e.getKey() + " must be sev1..sev4, got '" + e.getValue().asText() + "'"))));
        String fallback = node.path("default").asText("sev4");
        return new AlertmanagerMapper.SeverityMapping(node.path("label").asText("severity"), values,
                Severity.fromWire(fallback).orElseThrow(() -> new ConfigException(file + ": severity.default must be sev1..sev4")));
    }
}
