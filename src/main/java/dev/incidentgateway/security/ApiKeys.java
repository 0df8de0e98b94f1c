package dev.incidentgateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The format of API keys: {@code igw_} followed by 32 random bytes (256 bits) from {@link SecureRandom},
 * base64url without padding. The prefix makes a leaked key recognizable to secret scanners and to people.
 *
 * <p>Only {@link #hash} of a key is stored. A plain SHA-256 is enough here, unlike for passwords: a key has
 * 256 bits of randomness, so nobody can guess keys and test them against a stolen hash, and a slow,
 * salted hash (bcrypt, Argon2) would only cost time on every request.
 */
public final class ApiKeys {
    public static final String PREFIX = "igw_";
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key, to be shown once. */
    public static String generate() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }

    /** SHA-256 of the key's UTF-8 bytes. */
    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String hashHex(String key) {
        return HexFormat.of().formatHex(hash(key));
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
