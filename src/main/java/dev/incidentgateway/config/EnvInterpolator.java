package dev.incidentgateway.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${ENV}} and {@code ${ENV:default}} in configuration values, as Redpanda Connect does; an unset
 * {@code ENV} whose {@code ENV_FILE} is set is read from that file, as every secret can be ({@link SecretFiles}).
 */
public final class EnvInterpolator {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    private EnvInterpolator() {
    }

    /**
     * @throws IllegalArgumentException naming the variable when it is unset and has no default, or its file cannot be read
     */
    public static String expand(String value, Map<String, String> env) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = env.get(name);
            if (replacement == null) {
                replacement = SecretFiles.ofUnset(name, env);
            }
            if (replacement == null) {
                replacement = m.group(2);
            }
            if (replacement == null) {
                throw new IllegalArgumentException("environment variable " + name + " is not set and has no default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
