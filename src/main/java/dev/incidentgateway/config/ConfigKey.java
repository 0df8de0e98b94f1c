package dev.incidentgateway.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key, declared once: its dotted name in {@code config/gateway.yaml}, the environment
 * variable that overrides it, its default, how a raw string becomes a value (and is validated), and the
 * documentation printed by {@code java -jar incident-gateway.jar config}.
 *
 * <p>Modelled on Debezium's {@code Field}: nothing else in the code base reads {@code System.getenv}.
 *
 * @param <T> the value's type
 */
public final class ConfigKey<T> {
    private final String name;
    private final String env;
    private final String defaultValue;
    private final Function<String, T> parser;
    private final boolean secret;
    private final String doc;

    private ConfigKey(String name, String env, String defaultValue, Function<String, T> parser, boolean secret, String doc) {
        this.name = Objects.requireNonNull(name);
        this.env = env;
        this.defaultValue = defaultValue;
        this.parser = Objects.requireNonNull(parser);
        this.secret = secret;
        this.doc = Objects.requireNonNull(doc);
    }

    public static ConfigKey<String> string(String name, String env, String defaultValue, String doc) {
        return new ConfigKey<>(name, env, defaultValue, s -> s, false, doc);
    }

    /**
     * A path with a default. Set but empty it named the working directory: every *.yaml there read as a connector
     * descriptor, the chain key generated into it; as other settings, an empty value is refused rather than read so.
     */
    public static ConfigKey<String> path(String name, String env, String defaultValue, String doc) {
        return matching(name, env, defaultValue, "(?s).*\\S.*", "a path, not empty (unset: " + defaultValue + ")", doc);
    }

    public static ConfigKey<String> secret(String name, String env, String defaultValue, String doc) {
        return new ConfigKey<>(name, env, defaultValue, s -> s, true, doc);
    }

    /**
     * A secret whose syntax {@code check} refuses with an {@link IllegalArgumentException} that says what is wrong and
     * never quotes the value: refused when the configuration is read, so {@code config} and every command refuse it as the
     * start does, before anything is created.
     */
    public static ConfigKey<String> secret(String name, String env, String defaultValue, java.util.function.Consumer<String> check,
                                           String doc) {
        return new ConfigKey<>(name, env, defaultValue, s -> {
            check.accept(s);
            return s;
        }, true, doc);
    }

    public static ConfigKey<Integer> integer(String name, String env, int defaultValue, int min, int max, String doc) {
        return new ConfigKey<>(name, env, Integer.toString(defaultValue), s -> {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number, got '" + s + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        }, false, doc);
    }

    /** A string that must match {@code regex}; {@code hint} says in words what is expected. */
    public static ConfigKey<String> matching(String name, String env, String defaultValue, String regex, String hint, String doc) {
        return new ConfigKey<>(name, env, defaultValue, s -> {
            if (!s.matches(regex)) {
                throw new IllegalArgumentException("must be " + hint + ", got '" + s + "'");
            }
            return s;
        }, false, doc);
    }

    public String name() {
        return name;
    }

    /**
     * A configuration problem about this key, worded as every one the gateway reports: {@code <name> (env <ENV>): what}
     * (the operator finds the key in the config file or the environment by either name).
     */
    public String problem(String what) {
        return name + " (env " + env + "): " + what;
    }

    public String env() {
        return env;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean isSecret() {
        return secret;
    }

    public String doc() {
        return doc;
    }

    T parse(String raw) {
        return parser.apply(raw);
    }
}
