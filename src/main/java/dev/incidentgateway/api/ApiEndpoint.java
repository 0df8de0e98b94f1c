package dev.incidentgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.util.Locale;

/**
 * Adapts a handler to a Camel processor for platform-http: enforces body size and content type for
 * requests with a body, turns every failure into problem+json through {@link ProblemMapper}, and
 * removes the request's headers before replying (platform-http would echo them back).
 */
public final class ApiEndpoint implements Processor {
    /** A Content-Length value (compiled once: it is checked on every request). */
    /** A handler: one request in, one response out; throws {@link ApiProblem} or domain exceptions. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    private final Handler handler;
    private final ProblemMapper problems;
    private final int maxBodyBytes;
    private final boolean expectsJsonBody;

    private ApiEndpoint(Handler handler, ProblemMapper problems, int maxBodyBytes, boolean expectsJsonBody) {
        this.handler = handler;
        this.problems = problems;
        this.maxBodyBytes = maxBodyBytes;
        this.expectsJsonBody = expectsJsonBody;
    }

    /** Settings shared by all endpoints of one server. */
    public record Settings(ProblemMapper problems, int maxBodyBytes) {
        public ApiEndpoint read(Handler h) {
            return new ApiEndpoint(h, problems, maxBodyBytes, false);
        }

        public ApiEndpoint jsonBody(Handler h) {
            return new ApiEndpoint(h, problems, maxBodyBytes, true);
        }

        /** A JSON body whose answer comes when {@code h}'s future completes: the worker thread is free meanwhile. */
        public AsyncApiEndpoint jsonBodyAsync(AsyncApiEndpoint.Handler h) {
            return new AsyncApiEndpoint(h, problems, maxBodyBytes);
        }
    }

    @Override
    public void process(Exchange exchange) {
        ApiRequest request = new ApiRequest(exchange);
        ApiResponse response;
        try {
            if (expectsJsonBody) {
                checkBody(request, maxBodyBytes);
            }
            response = handler.handle(request);
        } catch (Exception | VirtualMachineError e) {
            // An OutOfMemoryError or StackOverflowError of this request is answered too: left to Camel, it is no Exception
            // for the routes' onException, and platform-http answered a plain-text "Internal Server Error" (the timeline
            // read whose page filled the heap). What the request allocated is garbage once it is answered.
            response = problemResponse(e, request.path(), problems);
        }
        reply(exchange.getMessage(), response);
    }

    /** A failure as its problem+json answer (counted in {@code gateway_http_errors_total} by the HTTP edge when written). */
    static ApiResponse problemResponse(Throwable e, String path, ProblemMapper problems) {
        ApiProblem p = problems.toProblem(e);
        return new ApiResponse(p.status(), ProblemMapper.CONTENT_TYPE, problems.render(p, path), p.headers());
    }

    static void checkBody(ApiRequest request, int maxBodyBytes) {
        if (declaredLength(request.header("Content-Length")) > maxBodyBytes || request.body().length > maxBodyBytes) {
            throw bodyTooLarge(maxBodyBytes);
        }
        String type = request.header("Content-Type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json" + (type == null ? "" : ", not " + mediaType) + ".",
                    "Content-Type", java.util.Map.of());
        }
    }

    /**
     * A Content-Length header's value: -1 when there is none or it is not a number (Vert.x refuses that itself),
     * {@link Long#MAX_VALUE} for a number beyond a long. Used here and at the HTTP edge (transport/EdgeGuard).
     */
    public static long declaredLength(String value) {
        String digits = value == null ? "" : value.trim();
        if (!allDigits(digits)) {
            return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooBig) {
            return Long.MAX_VALUE;
        }
    }

    /** What the pattern {@code \\d+} matched, without a Matcher per request (the edge and the route ask for every body). */
    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** 413: also answered at the HTTP edge (transport/EdgeGuard) before a body above the limit is read. */
    public static ApiProblem bodyTooLarge(long maxBodyBytes) {
        return new ApiProblem(413, "body-too-large", "Request body too large",
                "The body exceeds " + maxBodyBytes + " bytes (http.maxBodyBytes, env GATEWAY_MAX_BODY_BYTES); nothing was stored.");
    }

    static void reply(Message message, ApiResponse response) {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        message.setHeader(Exchange.CONTENT_TYPE, response.contentType());
        response.headers().forEach(message::setHeader);
        message.setBody(response.body());
    }
}
