package dev.incidentgateway.config;

import dev.incidentgateway.security.Redact;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every application setting of the gateway, each declared once as a {@link ConfigKey}.
 *
 * <p>Resolution order for a key: its environment variable, then {@code config/gateway.yaml} (where
 * {@code ${ENV:default}} is expanded), then the key's default. {@link #load} validates every key and
 * fails with all bad keys named, before anything starts.
 */
public final class GatewayConfig {
    /** Every setting, area by area: what {@link #load} reads and validates and {@code config} lists, in this order. */
    public static final List<ConfigKey<?>> KEYS = java.util.stream.Stream.of(HttpSettings.KEYS, StoreSettings.KEYS,
            RouteSettings.KEYS, OutboxSettings.KEYS, AuditSettings.KEYS, IdentityProviderSettings.KEYS, StreamSettings.KEYS,
            KafkaSettings.KEYS, LogSettings.KEYS).flatMap(List::stream).toList();

    private final Map<ConfigKey<?>, Object> values;
    private final Map<String, String> env;
    /** Where each value came from, for {@code config}: "env", "config file", "file <VAR>_FILE" or "default". */
    private final Map<ConfigKey<?>, String> origins;

    private GatewayConfig(Map<ConfigKey<?>, Object> values, Map<String, String> env, Map<ConfigKey<?>, String> origins) {
        this.values = values;
        this.env = Map.copyOf(env);
        this.origins = Map.copyOf(origins);
    }

    /** Loads from the process environment and the default config file. */
    public static GatewayConfig load() {
        return load(System.getenv(), YamlSettings.locate(System.getenv()));
    }

    /**
     * Resolves and validates every key.
     *
     * @param env       environment variables (explicit so tests can pass their own)
     * @param yaml      flattened settings from the config file, {@code ${ENV:default}} not yet expanded
     */
    public static GatewayConfig load(Map<String, String> env, Map<String, String> yaml) {
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        Map<ConfigKey<?>, String> origins = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConfigKey<?> key : KEYS) {
            String raw = resolveRaw(key, env, yaml, problems, origins);
            if (raw == null) {
                continue;
            }
            try {
                values.put(key, key.parse(raw));
            } catch (IllegalArgumentException e) {
                // A secret's problem is shown only when it does not quote the value (masked below, as config masks values).
                String shown = key.isSecret() && e.getMessage().contains(raw) ? "" : " " + e.getMessage();
                String from = "config file".equals(origins.get(key)) ? "in the config file; env " : "env ";
                problems.add(key.name() + " (" + from + key.env() + "):" + (shown.isBlank() ? " invalid value" : shown));
            }
        }
        requireOidcAudience(values, problems);
        OidcTransport.refuseInsecure(key -> String.valueOf(values.getOrDefault(key, "")), problems);
        problems.addAll(KafkaClientSecurity.missingSettings(key -> String.valueOf(values.getOrDefault(key, ""))));
        problems.addAll(KafkaTopicLoops.problems(key -> String.valueOf(values.getOrDefault(key, ""))));
        refuseUnknownKeys(yaml, problems);
        if (!problems.isEmpty()) {
            problems.replaceAll(p -> masked(p, values)); // a refused value may hold a password (user:pw@broker)
            throw new ConfigException(problems);
        }
        return new GatewayConfig(values, env, origins);
    }

    /** A key of the config file that is no setting: a typo would otherwise leave the default in force without a word. */
    private static void refuseUnknownKeys(Map<String, String> yaml, List<String> problems) {
        java.util.Set<String> known = new java.util.HashSet<>();
        KEYS.forEach(k -> known.add(k.name()));
        // `config` also lists the connectors' settings (servicenow.url, …), which are read from the environment only:
        // whoever copied such a key from there into the file is told where it goes
        yaml.keySet().stream().filter(name -> !known.contains(name)).sorted().forEach(name -> problems.add(name
                + " (config file): not a setting of the config file (misspelled? `java -jar incident-gateway.jar config` lists"
                + " every key; those under a `# connector` or `# webhook sources` heading are set by their environment"
                + " variable only)"));
    }

    /**
     * {@code GATEWAY_*} variables others set: Kubernetes' service links for a Service named {@code gateway}
     * ({@code GATEWAY_SERVICE_HOST}, {@code GATEWAY_PORT_8080_TCP_ADDR}, …) and the test suite's {@code GATEWAY_TEST_*}.
     */
    private static final java.util.regex.Pattern NOT_OURS =
            java.util.regex.Pattern.compile("GATEWAY_(SERVICE_[A-Z0-9_]+|PORT|PORT_\\d+_(TCP|UDP|SCTP)(_[A-Z]+)?|TEST_[A-Z0-9_]+)");

    /**
     * The {@code GATEWAY_*} variables of the environment that are no setting: a misspelled variable
     * ({@code GATEWAY_OUTBOX_MAXATTEMPTS}) leaves the default in force without a word. Only warned about, not refused
     * like a file's unknown key: the environment is shared with whatever else runs there.
     *
     * @param namedElsewhere variables that are not settings but are read all the same (a descriptor's {@code auth.secretEnv})
     */
    public List<String> unknownGatewayVariables(java.util.Collection<String> namedElsewhere) {
        java.util.Set<String> known = new java.util.HashSet<>(namedElsewhere);
        namedElsewhere.forEach(v -> known.add(v + SecretFiles.SUFFIX)); // the descriptors name secrets only
        KEYS.forEach(k -> known.add(k.env()));
        KEYS.stream().filter(ConfigKey::isSecret).forEach(k -> known.add(SecretFiles.variable(k)));
        known.add(YamlSettings.CONFIG_FILE_ENV);
        return env.keySet().stream().filter(name -> name.startsWith("GATEWAY_") && !known.contains(name)
                && !NOT_OURS.matcher(name).matches()).sorted().toList();
    }

    /** OIDC: an issuer without an audience would accept tokens the identity provider minted for any other client. */
    private static void requireOidcAudience(Map<ConfigKey<?>, Object> values, List<String> problems) {
        if (!String.valueOf(values.getOrDefault(IdentityProviderSettings.OIDC_ISSUER, "")).isBlank()
                && String.valueOf(values.getOrDefault(IdentityProviderSettings.OIDC_AUDIENCE, "")).isBlank()) {
            problems.add(IdentityProviderSettings.OIDC_AUDIENCE.problem("required when " + IdentityProviderSettings.OIDC_ISSUER.env()
                    + " is set (the client id or API identifier the gateway's tokens are issued for)"));
        }
    }

    /**
     * The environment this configuration was read from: where connector descriptors look up the secret
     * variables they name ({@code auth.secretEnv}), so nothing else reads {@code System.getenv}.
     */
    public Map<String, String> env() {
        return env;
    }

    /**
     * What connectors read their settings from: the environment, with the gateway settings they use as in effect
     * ({@code GATEWAY_PUBLIC_URL} also when only the config file's {@code http.publicUrl} sets it).
     */
    public Map<String, String> connectorEnv() {
        Map<String, String> out = new java.util.HashMap<>(env);
        if (!get(HttpSettings.PUBLIC_URL).isEmpty()) {
            out.put(HttpSettings.PUBLIC_URL.env(), get(HttpSettings.PUBLIC_URL));
        }
        return Map.copyOf(out);
    }

    /**
     * The key's raw value: from the environment first, then the config file, else its default; records which in
     * {@code origins} (for {@link #describe}).
     */
    private static String resolveRaw(ConfigKey<?> key, Map<String, String> env, Map<String, String> yaml, List<String> problems,
                                     Map<ConfigKey<?>, String> origins) {
        if (SecretFiles.given(key, env)) {
            try {
                String value = SecretFiles.read(key, env);
                origins.put(key, "file " + SecretFiles.variable(key));
                return value;
            } catch (IllegalArgumentException e) {
                problems.add(key.problem(e.getMessage()));
                return null;
            }
        }
        if (key.env() != null && env.containsKey(key.env())) {
            origins.put(key, "env");
            return env.get(key.env());
        }
        if (yaml.containsKey(key.name())) {
            origins.put(key, "config file");
            try {
                return EnvInterpolator.expand(yaml.get(key.name()), env);
            } catch (IllegalArgumentException e) {
                problems.add(key.name() + ": " + e.getMessage());
                return null;
            }
        }
        origins.put(key, "default");
        return key.defaultValue();
    }

    /** A copy with some keys replaced; used by tests and the CLI to point one run elsewhere. */
    public GatewayConfig with(Map<ConfigKey<?>, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(this.env);
        values.forEach((k, v) -> env.put(k.env(), String.valueOf(v)));
        overrides.forEach((k, v) -> env.put(k.env(), v));
        // The secrets read from files are in env now (the other keys' variable + _FILE is no variable of ours to drop).
        KEYS.stream().filter(ConfigKey::isSecret).forEach(k -> env.remove(SecretFiles.variable(k)));
        GatewayConfig copy = load(env, Map.of());
        // Every value went through env above; a key not overridden keeps where it came from, so a default stays one.
        Map<ConfigKey<?>, String> kept = new HashMap<>(copy.origins);
        origins.forEach((k, o) -> {
            if (!overrides.containsKey(k)) {
                kept.put(k, o);
            }
        });
        return new GatewayConfig(copy.values, copy.env, kept);
    }

    /** The key was given (environment or config file) rather than left at its default. */
    public boolean isExplicit(ConfigKey<?> key) {
        return !"default".equals(origins.getOrDefault(key, "default"));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    public boolean isPostgres() {
        return get(StoreSettings.DB_URL).startsWith("jdbc:postgresql:");
    }

    /**
     * {@link OutboxSettings#OUTBOX_DELIVERY_TIMEOUT_MS} as the relay uses it: at most two thirds of the lease, so that a delivery ends
     * and its outcome is recorded while its row is still claimed (a larger value is lowered; {@link #describe} says so).
     */
    public java.time.Duration outboxDeliveryTimeout() {
        long ceiling = get(OutboxSettings.OUTBOX_LEASE_MS) * 2L / 3;
        return java.time.Duration.ofMillis(Math.min(get(OutboxSettings.OUTBOX_DELIVERY_TIMEOUT_MS), ceiling));
    }

    public Path routesDir() {
        String dir = get(RouteSettings.ROUTES_DIR);
        return dir.isBlank() ? null : Path.of(dir);
    }

    /**
     * Human-readable listing of every key, its value, where the value came from ({@code [env]}, {@code [config file]},
     * {@code [file <VAR>_FILE]}, {@code [default]}) and its doc. Secrets are masked wherever they appear: secret
     * keys, credentials inside URLs ({@link Redact#url}) and a secret's value quoted inside another setting.
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (ConfigKey<?> key : KEYS) {
            String v = String.valueOf(values.get(key));
            String shown = key.isSecret() ? (v.isEmpty() ? "(empty)" : "****") : masked(v);
            if (key == OutboxSettings.OUTBOX_DELIVERY_TIMEOUT_MS && outboxDeliveryTimeout().toMillis() < get(OutboxSettings.OUTBOX_DELIVERY_TIMEOUT_MS)) {
                shown += " (in effect: " + outboxDeliveryTimeout().toMillis() + ", two thirds of " + OutboxSettings.OUTBOX_LEASE_MS.env() + ")";
            }
            out.append(String.format(Locale.ROOT, "%-26s %-30s = %s  [%s]%n    %s (default: %s)%n", key.name(), key.env(), shown,
                    origins.getOrDefault(key, "default"), key.doc(), key.isSecret() ? "-" : masked(key.defaultValue())));
        }
        return out.toString();
    }

    /** A value with URL credentials and the values of every secret key masked, for output and logs. */
    public String masked(String value) {
        return masked(value, values);
    }

    private static String masked(String value, Map<ConfigKey<?>, Object> values) {
        String out = Redact.credentials(value);
        for (ConfigKey<?> key : KEYS) {
            if (key.isSecret() && values.containsKey(key)) {
                out = Redact.without(out, String.valueOf(values.get(key)));
            }
        }
        return out;
    }
}
