package dev.incidentgateway.api;

import dev.incidentgateway.security.Redact;

import java.util.Map;

/**
 * An error answered as RFC 9457 {@code application/problem+json}. {@code field} names the request field
 * at fault (JSON path such as {@code data.to}, a query parameter or a header), when there is one.
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;
    private final String field;
    private final Map<String, String> headers;
    private final Map<String, Object> extras;

    /**
     * Most characters of a {@code detail}. Details quote what the sender gave (a status, a type, a date); a 50 KB value
     * came back 50 KB long in the answer, and in every batch entry that named it. Cut, the detail still names the field
     * and says how much was left out.
     */
    static final int MAX_DETAIL_CHARS = 1_000;

    public ApiProblem(int status, String slug, String title, String detail, String field, Map<String, String> headers) {
        super(Redact.cut(detail, MAX_DETAIL_CHARS), null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.field = field;
        this.headers = Map.copyOf(headers);
        this.extras = Map.of();
    }

    private ApiProblem(ApiProblem p, String field, Map<String, Object> extras) {
        super(p.getMessage(), null, false, false);
        this.status = p.status;
        this.slug = p.slug;
        this.title = p.title;
        this.field = field;
        this.headers = p.headers;
        this.extras = Map.copyOf(extras);
    }

    /** The same problem with extension members (RFC 9457 §3.2), e.g. the incident's current status. */
    public ApiProblem withExtras(Map<String, Object> extras) {
        return new ApiProblem(this, field, extras);
    }

    /** The same problem naming another field, e.g. the batch item a refusal is about ({@code [1].type}). */
    public ApiProblem withField(String field) {
        return new ApiProblem(this, field, extras);
    }

    public ApiProblem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null, Map.of());
    }

    /** 400: the body is not (well-formed) JSON, or not the JSON value the endpoint takes; {@code field} is {@code body}. */
    public static ApiProblem malformedJson(String detail) {
        return new ApiProblem(400, "malformed-json", "Malformed JSON", detail, "body", Map.of());
    }

    /**
     * 400 for a body (or part, {@code what}) the JSON parser refused: the parser's own words and where, without the
     * "Source: REDACTED (StreamReadFeature…)" text Jackson's full message carries. One wording for every endpoint.
     */
    public static ApiProblem malformedJson(String what, java.io.IOException e) {
        if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException j)) {
            return malformedJson(what + " could not be read.");
        }
        return malformedJson(what + " is not valid JSON: " + j.getOriginalMessage() + (j.getLocation() == null ? ""
                : " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr()));
    }

    /** A query parameter given more than once: which value was meant is the sender's to say. */
    public static ApiProblem givenTwice(String parameter) {
        return invalidField(parameter, parameter + " is given more than once; give it once");
    }

    public static ApiProblem invalidField(String field, String detail) {
        return new ApiProblem(400, "invalid-field", "Invalid request field", detail, field, Map.of());
    }

    /** 401: the request is not authentic. {@code detail} must not contain a secret or the received credential. */
    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail);
    }

    /**
     * 401 with the challenge of the scheme that would work ({@code WWW-Authenticate}: RFC 9110 §15.5.2 says every 401
     * carries one). {@code detail} must not contain a secret or the received credential.
     */
    public static ApiProblem unauthorized(String detail, String challenge) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail, null, Map.of("WWW-Authenticate", challenge));
    }

    /** 429 with Retry-After: the caller sent more than {@code limit} allows; nothing was done. */
    public static ApiProblem tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiProblem(429, "rate-limited", "Too many requests", detail, null,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail);
    }

    public int status() {
        return status;
    }

    /** The last part of {@link #type} ({@code ambiguous-framing}): the reason label of the refusals' count. */
    public String slug() {
        return slug;
    }

    /** Problem type URI: stable, so clients can switch on it. */
    public String type() {
        return "urn:incident-gateway:problem:" + slug;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> extras() {
        return extras;
    }
}
