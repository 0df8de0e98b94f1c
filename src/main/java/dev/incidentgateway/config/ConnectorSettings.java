package dev.incidentgateway.config;

import dev.incidentgateway.security.Redact;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads connector settings through their {@link ConfigKey} declarations, as {@link GatewayConfig} does for
 * the application's: each connector declares its keys once (name, environment variable, default, secret, doc)
 * and reads them only through here, so {@code java -jar incident-gateway.jar config} can list them all.
 *
 * <p>Unlike the application's keys, a connector key is read from the environment only (connector settings have
 * always been environment variables; their descriptor settings live in {@code connectors/<name>.yaml}), and a
 * blank variable counts as unset: connectors are off until their variables are set.
 */
public final class ConnectorSettings {
    private ConnectorSettings() {
    }

    /**
     * The variable's value when it is set and not blank (a secret's also from {@code <VAR>_FILE}: {@link SecretFiles}),
     * else the key's default (never {@code null}).
     *
     * @throws ConfigException a secret's file that cannot be used, naming its variable
     */
    public static String text(ConfigKey<?> key, Map<String, String> env) {
        return orDefault(key, ifSet(key, env));
    }

    private static String orDefault(ConfigKey<?> key, String set) {
        if (set == null) {
            return key.defaultValue() == null ? "" : key.defaultValue();
        }
        return set;
    }

    /** True when the variable is set (not blank). */
    public static boolean isSet(ConfigKey<?> key, Map<String, String> env) {
        return ifSet(key, env) != null;
    }

    /**
     * The variable's value when it is set and not blank, else {@code null} (not the default): one read of a secret's
     * file where a caller would otherwise ask {@link #isSet} and then {@link #text}.
     *
     * @throws ConfigException a secret's file that cannot be used, naming its variable
     */
    public static String ifSet(ConfigKey<?> key, Map<String, String> env) {
        String v = raw(key, env);
        return v == null || v.isBlank() ? null : v;
    }

    private static String raw(ConfigKey<?> key, Map<String, String> env) {
        if (!SecretFiles.given(key, env)) {
            return env.get(key.env());
        }
        try {
            return SecretFiles.read(key, env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.problem(e.getMessage()));
        }
    }

    /**
     * The parsed value (the default when unset).
     *
     * @param problem what to say when the value is refused; {@code null}: the key's own message
     * @throws ConfigException naming the variable
     */
    public static <T> T value(ConfigKey<T> key, Map<String, String> env, String problem) {
        String raw = text(key, env).trim();
        try {
            return key.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(problem != null ? problem + ", got '" + (key.isSecret() ? "****" : Redact.credentials(raw)) + "'"
                    : key.env() + " " + (key.isSecret() ? "is invalid" : Redact.credentials(e.getMessage())));
        }
    }

    /** An interval in seconds ({@code value} of a whole-number key), {@code problem} saying what is expected. */
    public static java.time.Duration seconds(ConfigKey<Integer> key, Map<String, String> env, String problem) {
        return java.time.Duration.ofSeconds(value(key, env, problem));
    }

    /**
     * The listing of {@code config} for connector keys, in {@link GatewayConfig#describe}'s layout; secrets and
     * credentials inside URLs are masked, and so is a secret's value quoted inside another setting.
     */
    public static String describe(String heading, List<ConfigKey<?>> keys, Map<String, String> env,
                                  java.util.function.UnaryOperator<String> masker) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n# %s%n", heading));
        // Each secret read once (a file's, too), for masking it wherever another setting quotes it.
        List<String> secrets = keys.stream().filter(ConfigKey::isSecret).map(k -> text(k, env)).toList();
        for (ConfigKey<?> key : keys) {
            String set = ifSet(key, env);
            String v = orDefault(key, set);
            String shown = key.isSecret() ? (v.isEmpty() ? "(empty)" : "****") : masked(v, secrets, masker);
            // Connector settings come from the environment or their default (descriptors hold no values of them).
            out.append(String.format(Locale.ROOT, "%-26s %-30s = %s  [%s]%n    %s (default: %s)%n", key.name(), key.env(), shown,
                    set == null ? "default" : SecretFiles.given(key, env) ? "file " + SecretFiles.variable(key) : "env", key.doc(),
                    key.isSecret() ? "-" : masked(String.valueOf(key.defaultValue()), secrets, masker)));
        }
        return out.toString();
    }

    private static String masked(String value, List<String> secrets, java.util.function.UnaryOperator<String> masker) {
        String out = masker.apply(Redact.url(value));
        for (String secret : secrets) {
            out = Redact.without(out, secret);
        }
        return out;
    }
}
