package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validating reads of one descriptor's {@code auth:} block. Problems are collected so a start
 * fails once naming every bad key ({@code connectors/<source>.yaml: auth.<key> …}), and secrets are
 * looked up here so no message can ever quote one: only the variable's name is reported.
 */
final class AuthBlock {
    private static final long MAX_TOLERANCE_SECONDS = 86_400;

    private final String source;
    private final String file;
    private final JsonNode auth;
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    AuthBlock(String sourceName, JsonNode auth, Map<String, String> env) {
        this.source = sourceName;
        this.file = "connectors/" + sourceName + ".yaml";
        this.auth = auth;
        this.env = env == null ? Map.of() : env;
    }

    /** The mode; stops at once (nothing else can be checked) when it is missing or unknown. */
    String mode(List<String> allowed) {
        String allowedText = String.join(", ", allowed);
        if (auth == null || auth.isMissingNode() || auth.isNull()) {
            throw new ConfigException(file + ": auth.mode is required (one of " + allowedText
                    + "); there is no implicit none");
        }
        if (!auth.isObject()) {
            throw new ConfigException(file + ": auth must be a mapping with auth.mode (one of " + allowedText + ")");
        }
        JsonNode mode = auth.get("mode");
        if (mode == null || mode.isNull() || !mode.isTextual() || mode.asText().isBlank()) {
            throw new ConfigException(file + ": auth.mode is required (one of " + allowedText
                    + "); there is no implicit none");
        }
        if (!allowed.contains(mode.asText())) {
            throw new ConfigException(file + ": auth.mode " + mode.asText() + " is unknown (one of " + allowedText + ")");
        }
        return mode.asText();
    }

    /** Flags keys the mode does not use, so a typo ({@code secretenv}) cannot silently weaken auth. */
    void allowOnly(String mode, Set<String> keys) {
        for (Iterator<String> names = auth.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                problems.add(file + ": auth." + name + " is not used by auth.mode " + mode
                        + " (allowed: " + String.join(", ", new TreeSet<>(keys)) + ")");
            }
        }
    }

    /** The value of the variable named by {@code secretEnv}, or {@code null} when the key is absent. */
    String secret(boolean required, String mode) {
        String variable = text("secretEnv", null, false);
        if (variable == null) {
            if (required && !auth.has("secretEnv")) {
                problems.add(file + ": auth.secretEnv is required for auth.mode " + mode
                        + " (the environment variable holding the secret)");
            }
            return null;
        }
        ConfigKey<String> key = WebhookSecrets.key(source, variable);
        String value = ConnectorSettings.ifSet(key, env);
        if (value == null) {
            problems.add(file + ": auth.secretEnv " + variable + " is not set");
            return null;
        }
        return value;
    }

    /** The variable named by {@code secretEnv}, for messages about its value. */
    String secretVariable() {
        return auth.path("secretEnv").asText();
    }

    /** A text key; {@code fallback} when absent. Blank is refused unless {@code blankAllowed}. */
    String text(String key, String fallback, boolean blankAllowed) {
        JsonNode node = auth.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual() || (!blankAllowed && node.asText().isBlank())) {
            problems.add(file + ": auth." + key + " must be " + (blankAllowed ? "a string" : "a non-empty string"));
            return fallback;
        }
        return node.asText();
    }

    boolean has(String key) {
        JsonNode node = auth.get(key);
        return node != null && !node.isNull();
    }

    /** {@code toleranceSeconds}, or the five-minute default. */
    Duration tolerance() {
        JsonNode node = auth.get("toleranceSeconds");
        if (node == null || node.isNull()) {
            return TimestampWindow.DEFAULT_TOLERANCE;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_TOLERANCE_SECONDS) {
            problems.add(file + ": auth.toleranceSeconds must be a whole number of seconds from 1 to "
                    + MAX_TOLERANCE_SECONDS);
            return TimestampWindow.DEFAULT_TOLERANCE;
        }
        return Duration.ofSeconds(node.asLong());
    }

    void problem(String detail) {
        problems.add(file + ": " + detail);
    }

    /** @throws ConfigException naming every problem found, if any */
    void done() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
