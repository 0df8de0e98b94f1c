package dev.incidentgateway.transport;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * HTTP/1.x connections that carried a request framed by {@code Transfer-Encoding}: closed once that request is answered,
 * and no request that came after it on the connection is served.
 *
 * <p>Why: a request with both {@code Content-Length} and {@code Transfer-Encoding: chunked} is read by its chunks (RFC
 * 9112 §6.3), but a proxy in front that frames by the length reads it differently, and the bytes after the chunks would
 * be a second request the proxy never saw (CL.TE request smuggling). RFC 9112 §6.1 says to close the connection after
 * such a request. Netty's decoder removes the {@code Content-Length} before the gateway sees the request
 * ({@code HttpObjectDecoder.handleTransferEncodingChunkedWithContentLength}; neither Netty's {@code HttpDecoderConfig}
 * nor Vert.x's {@code HttpServerOptions} can make it refuse the pair, and Vert.x builds the decoder itself), so every
 * such request is treated this way. Clients rarely send chunked requests, and then for large bodies, where a new
 * connection costs little.
 */
final class ChunkedConnections {
    /** Weak: a connection closed and gone takes its entry with it. Rarely touched (only chunked requests), so one lock. */
    private final Set<HttpConnection> closing = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * Whether the request came after a chunked one on its connection (pipelined behind it: the smuggled request). Then the
     * connection is closed at once and the request must not be served or answered.
     */
    boolean dropIfAfterChunked(HttpServerRequest request) {
        if (!closing.contains(request.connection())) {
            return false;
        }
        request.connection().close();
        return true;
    }

    /** A request framed by Transfer-Encoding over HTTP/1.x: its answer says {@code Connection: close}, then the connection closes. */
    void closeAfterAnswerIfChunked(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.version() == HttpVersion.HTTP_2 || !request.headers().contains("Transfer-Encoding")) {
            return;
        }
        HttpConnection connection = request.connection();
        closing.add(connection);
        ctx.response().putHeader("Connection", "close");
        ctx.addEndHandler(done -> connection.close()); // after the answer is written, or when the client left
    }
}
