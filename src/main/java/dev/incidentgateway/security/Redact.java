package dev.incidentgateway.security;

import java.util.regex.Pattern;

/**
 * The one way values are made safe for logs and for {@code config}: credentials in URLs are masked, values
 * that databases echo from the rows (PostgreSQL's {@code Key (...)=(...)}, {@code Failing row contains (...)},
 * H2's {@code VALUES (...)}) are dropped, and what is left is cut short.
 *
 * <p>Why: error messages of JDBC drivers and HTTP clients quote what they were given; an event's content, a
 * password inside a JDBC URL or a token in a query string would otherwise end up in every log shipper.
 */
public final class Redact {
    /** Longest message kept in a log line; more is cut (the cause is in the first sentence anyway). */
    public static final int MAX_CHARS = 300;
    static final String MASK = "****";

    // password=secret (also PASSWORD=, passwd, pwd, secret, token), up to the next ?, &, ; or whitespace.
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|access_token|api_key|apikey)=)[^&;?\\s\"']*");
    // scheme://user:password@host → scheme://user:****@host
    private static final Pattern USERINFO = Pattern.compile("(//[^/@:\\s]*:)[^@/\\s]*@");
    /**
     * {@code user:password@host} without a scheme before it, as a driver quotes the host part of a URL it could not use
     * (PgJDBC takes no userinfo: {@code jdbc:postgresql://u:pw@h/db} fails with "UnknownHost (u:pw@h)").
     */
    private static final Pattern BARE_USERINFO = Pattern.compile("(^|[\\s(\\[\"'=,])([^\\s/@:()\\[\\]\"',]+:)[^\\s/@()\\[\\]\"',]+@");
    /**
     * An Authorization header's credential ({@code Bearer xoxb-…}, {@code Basic dXNlcjpw…}) that a vendor, a proxy or a
     * fake echoed into its answer, for lines that print answers of targets whose secret the gateway does not hold
     * (a YAML route's header); connectors that hold theirs also mask it by value ({@code VendorHttp.scrub}).
     */
    private static final Pattern AUTH_CREDENTIAL = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+(?!\\*)[A-Za-z0-9._~+/=-]{4,}");
    // PostgreSQL "Detail: Key (ce_source, ce_id)=(a, b) already exists." and "Failing row contains (...)."
    private static final Pattern PG_KEY_DETAIL = Pattern.compile("(Key \\([^)\n]*\\)=).*");
    private static final Pattern PG_FAILING_ROW = Pattern.compile("(Failing row contains ).*");
    // H2 "... ON PUBLIC.T(C) VALUES ( /* 1 */ 'a', 'b' )\"" and "Value too long for column \"C\": \"'aaa' (2000)\""
    private static final Pattern H2_VALUES = Pattern.compile("(VALUES \\().*?(\\)\")", Pattern.DOTALL);
    private static final Pattern H2_TOO_LONG = Pattern.compile("(Value too long for column \"[^\"]*\": \").*?( \\(\\d+\\)\")",
            Pattern.DOTALL);

    private Redact() {
    }

    /** A URL (JDBC or HTTP) with its password parameters and {@code user:password@} userinfo masked. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String out = PASSWORD_PARAM.matcher(url).replaceAll("$1" + MASK);
        return USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
    }

    /**
     * {@link #url} and also {@code user:password@host} without a scheme (as a Kafka bootstrap list or a driver's message
     * has it), for values shown whole ({@code config}, configuration problems).
     */
    public static String credentials(String value) {
        return value == null ? null : BARE_USERINFO.matcher(url(value)).replaceAll("$1$2" + MASK + "@");
    }

    /** A message fit for a log line: credentials masked, row values dropped, at most {@link #MAX_CHARS} long. */
    public static String text(String message) {
        if (message == null) {
            return null;
        }
        String out = credentials(message);
        out = AUTH_CREDENTIAL.matcher(out).replaceAll("$1 " + MASK);
        out = PG_KEY_DETAIL.matcher(out).replaceAll("$1(…)");
        out = PG_FAILING_ROW.matcher(out).replaceAll("$1(…)");
        out = H2_VALUES.matcher(out).replaceAll("$1…$2");
        out = H2_TOO_LONG.matcher(out).replaceAll("$1…$2");
        return cut(out, MAX_CHARS);
    }

    /** {@code ExceptionClass: message} through {@link #text}, for logging a failure without its payload. */
    public static String error(Throwable e) {
        if (e == null) {
            return "null";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + text(message));
    }

    /** At most {@code max} characters; a longer value ends with how much was left out. */
    public static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        return value.substring(0, max) + "… (" + (value.length() - max) + " more chars)";
    }

    /** {@code text} with every occurrence of {@code secret} (when not blank), in any of its {@link SecretForms}, replaced by the mask. */
    public static String without(String text, String secret) {
        return SecretForms.mask(text, secret, MASK);
    }
}
