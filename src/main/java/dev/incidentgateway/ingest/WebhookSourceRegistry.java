package dev.incidentgateway.ingest;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.Connector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.ingest.auth.TokenCheck;
import dev.incidentgateway.ingest.auth.WebhookAuthenticator;
import dev.incidentgateway.ingest.auth.WebhookAuthenticators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads the webhook sources from connector descriptors ({@code kind: webhook-source}): those shipped in the
 * jar ({@code connectors/*.yaml}), replaced or extended by files in the connectors directory. Every problem
 * stops the start with the file and key named; every open source ({@code auth.mode: none}) is logged.
 */
public final class WebhookSourceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSourceRegistry.class);

    /** The keys of a {@code kind: webhook-source} descriptor before its mapper's own ({@link Connector#descriptorKeys}). */
    public static final DescriptorKeys KEYS = ConnectorDescriptors.KEYS.and(DescriptorKeys.of("mapper", "auth"))
            .and(WebhookRateLimits.KEYS);

    private WebhookSourceRegistry() {
    }

    /**
     * @param allDescriptors every connector descriptor ({@link ConnectorDescriptors#load}); this takes the webhook sources
     * @param tokens         the gateway-managed tokens, for bearer sources without a secret of their own
     */
    public static Map<String, WebhookSource> load(Map<String, JsonNode> allDescriptors, Map<String, String> env,
                                                  WebhookTokenSnapshot tokens, ObjectMapper json) {
        Map<String, WebhookSource> sources = build(allDescriptors, env, tokens::forSource, json);
        off(allDescriptors, env).forEach((name, off) -> LOG.info("Webhook source '{}' is off ({})", name, off));
        sources.values().stream().filter(s -> s.authenticator().mode().equals("none")).forEach(s ->
                LOG.warn("Webhook source '{}' is OPEN (auth.mode: none): anyone who can reach POST /webhooks/{} can write to the timeline",
                        s.name(), s.name()));
        LOG.info("Webhook sources: {}", sources.keySet());
        logGatewayTokens(allDescriptors, sources.keySet(), tokens);
        return sources;
    }

    /**
     * Every problem of the sources that are on (name, auth, mapper and its mapping), as {@link #load} finds them, without
     * the store's tokens and without logging: the start runs this before it opens the store, and so does {@code config}.
     */
    public static void check(Map<String, JsonNode> allDescriptors, Map<String, String> env, ObjectMapper json) {
        build(allDescriptors, env, source -> presented -> false, json);
    }

    /** The sources that are on; throws {@link ConfigException} with every problem of every source. */
    private static Map<String, WebhookSource> build(Map<String, JsonNode> allDescriptors, Map<String, String> env,
                                                    java.util.function.Function<String, TokenCheck> tokens, ObjectMapper json) {
        Map<String, JsonNode> descriptors = ConnectorDescriptors.ofKind(allDescriptors, "webhook-source");
        Map<String, WebhookSource> sources = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        // The payload mappers connectors offer (alertmanager, grafana, cloudevents, jsonpath, …), discovered.
        Map<String, WebhookMapperFactory> mappers = Connectors.discover().webhookMappers();
        descriptors.forEach((name, d) -> {
            try {
                if (offReason(name, d, env) == null) {
                    sources.put(name, source(name, d, env, tokens.apply(name), json, mappers));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return sources;
    }

    /** Says, never showing a token, which running sources take a gateway-managed token and which have none yet. */
    private static void logGatewayTokens(Map<String, JsonNode> allDescriptors, Set<String> running, WebhookTokenSnapshot tokens) {
        Set<String> managed = new TreeSet<>(GatewayTokenSources.of(allDescriptors));
        managed.retainAll(running);
        Set<String> missing = new TreeSet<>(managed);
        missing.removeAll(tokens.issued());
        if (tokens.sharedTokenSet() && !managed.isEmpty()) {
            LOG.info("GATEWAY_WEBHOOK_TOKEN is set: webhook sources {} accept it (one token shared by all: the behaviour of "
                    + "earlier versions). A token per source is safer: java -jar incident-gateway.jar webhook-token --source "
                    + "<name> --rotate", managed);
        } else if (!missing.isEmpty()) {
            LOG.warn("Webhook sources {} have no token yet and refuse every request. Issue one (printed once) with: "
                    + "java -jar incident-gateway.jar webhook-token --source <name> --rotate", missing);
        }
    }

    /** Why a declared source is off ({@code enabled: false}, or which variable to set), or null when it is on. */
    private static String offReason(String name, JsonNode d, Map<String, String> env) {
        String secretEnv = KEYS.path(d, "auth").path("secretEnv").asText("");
        List<String> required = secretEnv.isEmpty() ? List.of() : List.of(secretEnv);
        return ConnectorDescriptors.isOn(name, d, required, env) ? null : ConnectorDescriptors.offReason(name, d, required);
    }

    /**
     * The webhook sources declared in {@code connectors/} but off, each with why: a request to one is answered 404
     * saying so, rather than as an unknown name.
     */
    public static Map<String, String> off(Map<String, JsonNode> allDescriptors, Map<String, String> env) {
        Map<String, String> off = new TreeMap<>();
        ConnectorDescriptors.ofKind(allDescriptors, "webhook-source").forEach((name, d) -> {
            String reason = offReason(name, d, env);
            if (reason != null) {
                off.put(name, reason);
            }
        });
        return off;
    }

    /** What a descriptor naming no discovered mapper is told (here, and by connectors/DescriptorCheck before its keys). */
    public static String unknownMapper(String file, String mapper, java.util.Collection<String> known) {
        return file + ": mapper must be one of " + String.join(", ", known) + "; got '" + mapper + "'";
    }

    private static WebhookSource source(String name, JsonNode d, Map<String, String> env, TokenCheck gatewayToken,
                                        ObjectMapper json, Map<String, WebhookMapperFactory> mappers) {
        String file = "connectors/" + name + ".yaml";
        String declared = KEYS.path(d, "name").asText(name);
        if (!declared.equals(name)) {
            throw new ConfigException(file + ": name '" + declared + "' must match the file name '" + name + "'");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new ConfigException(file + ": name must be lower-case letters, digits and '-' (it is the URL path)");
        }
        WebhookAuthenticator auth = WebhookAuthenticators.create(name, KEYS.path(d, "auth"), env, gatewayToken, Clock.systemUTC());
        String mapper = KEYS.path(d, "mapper").asText("");
        WebhookMapperFactory factory = mappers.get(mapper);
        if (factory == null) {
            throw new ConfigException(unknownMapper(file, mapper, mappers.keySet()));
        }
        WebhookMapper m = factory.create(name, d, json);
        return new WebhookSource(name, auth, m);
    }
}
