package dev.incidentgateway.security;

import java.util.regex.Pattern;

/**
 * The format of API keys: {@code igw_} followed by 256 random bits ({@link TokenDigest#generate}). The prefix
 * makes a leaked key recognizable to secret scanners and to people. Only the key's {@link TokenDigest} is stored.
 */
public final class ApiKeys {
    public static final String PREFIX = "igw_";
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");

    private ApiKeys() {
    }

    /** A new key, to be shown once. */
    public static String generate() {
        return TokenDigest.generate(PREFIX);
    }

    public static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }

    /** Throws naming the rule when {@code name} is not a valid key name. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a key name is 1 to 64 characters of lower-case letters, digits, '.', '_' and '-'"
                    + (name == null ? "" : "; got '" + name + "'"));
        }
        return name;
    }
}
