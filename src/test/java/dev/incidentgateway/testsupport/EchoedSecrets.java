package dev.incidentgateway.testsupport;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forms in which a vendor (or a proxy) that echoes the request into its error body may show a secret: what the
 * security review's echoing fakes sent back, computed here with the JDK's own encoders.
 */
public final class EchoedSecrets {
    private EchoedSecrets() {
    }

    /** Each form of {@code secret} by a name for assertion messages: percent-encoded and base64 in their variants. */
    public static Map<String, String> forms(String secret) {
        Map<String, String> forms = new LinkedHashMap<>();
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.put("form-encoded", form);
        forms.put("path-encoded", form.replace("+", "%20"));
        forms.put("lower-case hex", lowerCaseHex(form));
        forms.putAll(base64(secret));
        return forms;
    }

    /** Each base64 form of {@code value}: standard and URL-safe, with and without padding. */
    public static Map<String, String> base64(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("base64", Base64.getEncoder().encodeToString(bytes));
        forms.put("base64 unpadded", Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.put("base64url", Base64.getUrlEncoder().encodeToString(bytes));
        forms.put("base64url unpadded", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        return forms;
    }

    private static String lowerCaseHex(String percentEncoded) {
        StringBuilder out = new StringBuilder(percentEncoded);
        for (int i = out.indexOf("%"); i >= 0; i = out.indexOf("%", i + 1)) {
            out.replace(i + 1, i + 3, out.substring(i + 1, i + 3).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }
}
