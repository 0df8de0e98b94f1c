package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiEndpoint;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/** How a request's body is framed, as far as its headers tell the edge ({@link EdgeGuard}) before the body is read. */
final class RequestFraming {
    private RequestFraming() {
    }

    /**
     * A request a proxy and this server could frame differently (request smuggling): a Transfer-Encoding whose last coding
     * is not chunked, which Netty reads as chunked anyway. (A Content-Length beside {@code chunked} never gets here: Netty
     * drops it and reads the chunks, as RFC 9112 §6.3 says; the check of both stays for any parser that keeps it.)
     */
    static boolean ambiguous(HttpServerRequest request) {
        java.util.List<String> codings = request.headers().getAll("Transfer-Encoding");
        if (codings.isEmpty()) {
            return false;
        }
        if (request.headers().contains("Content-Length")) {
            return true;
        }
        String last = codings.get(codings.size() - 1);
        return !last.substring(last.lastIndexOf(',') + 1).trim().equalsIgnoreCase("chunked");
    }

    /** Whether a body follows the headers (HTTP/2 frames a body without a length: whether the request has ended). */
    static boolean hasBody(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            return !request.isEnded();
        }
        return request.headers().contains("Transfer-Encoding") || ApiEndpoint.declaredLength(request.getHeader("Content-Length")) > 0;
    }
}
