package dev.incidentgateway.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every form in which a vendor, a proxy or an exception may echo a secret the gateway holds: the raw value, any
 * percent-encoding of it (form or path encoding, upper- or lower-case hex, a space as {@code +} or {@code %20}), and
 * its base64 (standard or URL-safe, with or without padding, also percent-encoded). For a Basic-auth header value
 * ({@code Basic <base64>}) also the base64 part and the base64 of the {@code user:password} it decodes to.
 *
 * <p>Why: an error body that quotes the request (its form body, its URL, its Authorization header) carries the secret
 * encoded, and masking only the raw value put those forms into logs, the outbox API's {@code lastError} and health.
 */
public final class SecretForms {
    private static final String BASIC = "Basic ";

    private SecretForms() {
    }

    /** {@code text} with each form of {@code secret} replaced by {@code mask}; a null or blank secret leaves it as it is. */
    public static String mask(String text, String secret, String mask) {
        if (text == null || secret == null || secret.isBlank()) {
            return text;
        }
        return pattern(secret).matcher(text).replaceAll(Matcher.quoteReplacement(mask));
    }

    /** One pattern matching any form of {@code secret}, the longest forms tried first. */
    static Pattern pattern(String secret) {
        List<String> alternatives = new ArrayList<>();
        if (secret.startsWith(BASIC)) {
            // its base64 part is the base64 of user:password: also URL-safe, unpadded, percent-encoded; masking only that
            // part leaves "Basic ***", which says what was there
            String encoded = secret.substring(BASIC.length()).strip();
            Optional<String> userAndPassword = decodedBase64(encoded);
            if (userAndPassword.isPresent()) {
                return Pattern.compile(base64AnyHow(userAndPassword.get()));
            }
            alternatives.add(percentEncodedAnyHow(encoded));
        }
        alternatives.add(base64AnyHow(secret));
        alternatives.add(percentEncodedAnyHow(secret));
        return Pattern.compile(String.join("|", alternatives));
    }

    /** The base64 of {@code value}, standard or URL-safe, with any padding (which may be percent-encoded too). */
    private static String base64AnyHow(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        String standard = Base64.getEncoder().withoutPadding().encodeToString(bytes);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String padding = "(?:=|%3[dD]){0,2}";
        return standard.equals(urlSafe) ? "(?:" + percentEncodedAnyHow(standard) + ")" + padding
                : "(?:" + percentEncodedAnyHow(standard) + "|" + percentEncodedAnyHow(urlSafe) + ")" + padding;
    }

    /** {@code value} with each character as itself or percent-encoded (its UTF-8 bytes, either hex case); a space also as +. */
    private static String percentEncodedAnyHow(String value) {
        StringBuilder regex = new StringBuilder();
        value.codePoints().forEach(c -> {
            String ch = new String(Character.toChars(c));
            StringBuilder escaped = new StringBuilder();
            for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                escaped.append('%').append(hexDigit((b >> 4) & 0xF)).append(hexDigit(b & 0xF));
            }
            regex.append("(?:").append(Pattern.quote(ch)).append('|').append(escaped).append(c == ' ' ? "|\\+" : "").append(')');
        });
        return regex.toString();
    }

    private static String hexDigit(int d) {
        char upper = Character.toUpperCase(Character.forDigit(d, 16));
        return Character.isLetter(upper) ? "[" + upper + Character.toLowerCase(upper) + "]" : String.valueOf(upper);
    }

    private static Optional<String> decodedBase64(String encoded) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
