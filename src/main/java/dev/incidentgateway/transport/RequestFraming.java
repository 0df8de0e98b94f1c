package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiProblem;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/** How a request's body is framed, as far as its headers tell the edge ({@link EdgeGuard}) before the body is read. */
final class RequestFraming {
    private RequestFraming() {
    }

    /**
     * The refusal of a request whose body's framing the edge will not read, or null. With its reason for the refusals'
     * count (the problem's slug).
     * <ul>
     *   <li>400 {@code ambiguous-framing}: a proxy and this server could frame it differently (request smuggling): a
     *       Transfer-Encoding whose last coding is not chunked, which Netty reads as chunked anyway. (A Content-Length
     *       beside {@code chunked} never gets here: Netty drops it and reads the chunks, as RFC 9112 §6.3 says; the check
     *       of both stays for any parser that keeps it.)</li>
     *   <li>400 {@code unsupported-transfer-coding}: a coding before the final chunked ({@code gzip, chunked}). Netty
     *       takes the chunks and handed on the still-coded bytes as the body, which the route then refused as malformed
     *       JSON without saying what to change. RFC 9112 §6.1 suggests 501, but a sender's request is never answered
     *       with a 5xx here: senders such as Alertmanager retry a 5xx, and this one fails every time.</li>
     * </ul>
     */
    static ApiProblem framingProblem(HttpServerRequest request) {
        java.util.List<String> codings = codings(request, "Transfer-Encoding");
        if (codings.isEmpty()) {
            return null;
        }
        if (request.headers().contains("Content-Length") || !codings.get(codings.size() - 1).equalsIgnoreCase("chunked")) {
            return new ApiProblem(400, "ambiguous-framing", "Ambiguous request framing", "The request's "
                    + "Transfer-Encoding does not end in chunked (RFC 9112 §6.3): a proxy in front of the gateway could read "
                    + "where it ends differently. Nothing was done.", null, java.util.Map.of());
        }
        if (codings.stream().anyMatch(c -> !c.equalsIgnoreCase("chunked"))) {
            return new ApiProblem(400, "unsupported-transfer-coding", "Unsupported transfer coding", "The gateway "
                    + "decodes no transfer coding but chunked (RFC 9112 §6.1): send the body chunked alone, or with a "
                    + "Content-Length. Nothing was done.", "Transfer-Encoding", java.util.Map.of());
        }
        return null;
    }

    /**
     * Whether a request failed because Netty's decoder refused its body's framing (a chunk size that is not hex, a chunk
     * not ended by CRLF, a chunk line or trailer over the limits): the sender's malformed request, not the gateway's
     * trouble. The decoder throws {@link DecoderException}s, except for a chunk size it cannot parse
     * ({@code HttpObjectDecoder.getChunkSize}'s NumberFormatException).
     */
    static boolean undecodableBody(Throwable failure) {
        if (failure instanceof DecoderException) {
            return true;
        }
        return failure instanceof NumberFormatException && failure.getStackTrace().length > 0
                && failure.getStackTrace()[0].getClassName().equals(HttpObjectDecoder.class.getName());
    }

    /**
     * The refusal of a body sent with a content coding (RFC 9110 §8.4: {@code Content-Encoding: gzip}), or null when it
     * has none or only {@code identity}: the gateway decodes none, and read as it is such a body is not JSON at best
     * (a 400 about invalid UTF-8 that does not say what to change) and someone else's bytes at worst. 415 naming the
     * header, with {@code Accept-Encoding: identity} as §12.5.3 asks.
     */
    static ApiProblem unsupportedCoding(HttpServerRequest request) {
        for (String c : codings(request, "Content-Encoding")) {
            if (!c.isEmpty() && !c.equalsIgnoreCase("identity")) {
                return new ApiProblem(415, "unsupported-content-encoding", "Unsupported content encoding", "The body "
                        + "must be sent without a content coding (Content-Encoding: identity or none); nothing was stored.",
                        "Content-Encoding", java.util.Map.of("Accept-Encoding", "identity"));
            }
        }
        return null;
    }

    /** The comma-separated codings of every {@code header} line, in order, each trimmed. */
    private static java.util.List<String> codings(HttpServerRequest request, String header) {
        java.util.List<String> codings = new java.util.ArrayList<>();
        for (String value : request.headers().getAll(header)) {
            for (String coding : value.split(",")) {
                codings.add(coding.trim());
            }
        }
        return codings;
    }

    /** The answer to an {@code Expect} other than {@code 100-continue}, the only expectation HTTP/1.1 defines (RFC 9110 §10.1.1). */
    static ApiProblem expectationFailed() {
        return new ApiProblem(417, "expectation-failed", "Expectation failed", "The only expectation the gateway meets is "
                + "Expect: 100-continue; nothing was stored.", "Expect", java.util.Map.of());
    }

    /** Whether a body follows the headers (HTTP/2 frames a body without a length: whether the request has ended). */
    static boolean hasBody(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            return !request.isEnded();
        }
        return request.headers().contains("Transfer-Encoding") || ApiEndpoint.declaredLength(request.getHeader("Content-Length")) > 0;
    }
}
