package dev.incidentgateway.transport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.PlatformHttpResponses;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A platform-http consumer that does not hold a Vert.x worker thread while its route waits for an asynchronous step.
 *
 * <p>Camel's consumer runs each exchange with {@code executeBlocking(() -> processor.process(exchange))}: the
 * synchronous {@code process} waits, on the worker thread, until the whole route has completed, also when a step
 * completes later (e.g. {@code timeline:append}, done when its group commits). With Vert.x's 20 worker threads that
 * let at most 20 webhook requests wait for a commit at a time. This consumer starts the route on a worker thread the
 * same way (the steps before the append may block: authentication, parsing, mapping), but through Camel's
 * asynchronous {@code process(exchange, callback)}: the worker is free once an asynchronous step has taken the
 * exchange, and the answer is written, on the request's event loop, when the callback says the route is done.
 * A route with no asynchronous step behaves exactly as with Camel's consumer. How many requests may wait is bounded
 * by the HTTP edge's in-flight limit ({@link EdgeGuard}: a request counts until its answer is written).
 *
 * <p>Form posts and proxy endpoints (which need Camel's private form and proxy handling) go the unchanged way.
 */
final class AsyncRouteHttpConsumer extends VertxPlatformHttpConsumer {

    AsyncRouteHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor, String routerName) {
        super(endpoint, processor, List.of(), routerName);
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended() || getEndpoint().isHttpProxy() || isForm(ctx)) {
            super.handleRequest(ctx);
            return;
        }
        Vertx vertx = ctx.vertx();
        Context eventLoop = vertx.getOrCreateContext();
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            if (exchange.getMessage().getBody() instanceof Buffer buffer) {
                // Camel's stream caching (on by default) turns the request's Buffer into a stream cache, and every
                // read of it as byte[] then copies it out through an 8 KB buffered pump into a growing array (an eighth
                // of all the gateway's allocation under webhook load, issue 13). A byte[] is not a stream: it is
                // neither cached nor copied again, and reads as String, InputStream or Buffer just the same.
                exchange.getMessage().setBody(buffer.getBytes());
            }
            // No listener on the returned future: Vert.x calls any listener on the event loop, after a success too, which
            // cost every request an extra event-loop task (issue 13, session 48). A failure goes there by hand, and a
            // task the worker pool refuses (Vert.x closing) fails the future before executeBlocking returns.
            Future<Object> started = vertx.executeBlocking(() -> {
                try {
                    createUoW(exchange);
                    // doneSync or not, the answer is written on the event loop, as Camel's consumer does.
                    getAsyncProcessor().process(exchange, doneSync -> eventLoop.runOnContext(v -> answer(exchange, ctx)));
                } catch (Throwable error) {
                    eventLoop.runOnContext(v -> fail(exchange, ctx, error));
                }
                return null;
            }, false);
            if (started.failed()) {
                fail(exchange, ctx, started.cause());
            }
        });
    }

    private void answer(Exchange exchange, RoutingContext ctx) {
        if (exchange.getMessage().getBody() instanceof byte[] bytes) {
            // Camel's writer sends a byte[] through an InputStream pump that allocates a large read buffer per answer
            // (a third of all the gateway's allocation under webhook load, issue 13); a ByteBuffer is written in one copy.
            exchange.getMessage().setBody(ByteBuffer.wrap(bytes));
        }
        PlatformHttpResponses.write(ctx, exchange, getEndpoint().getHeaderFilterStrategy(), getEndpoint().isMuteException())
                .onComplete(written -> {
                    if (written.succeeded()) {
                        finish(exchange);
                    } else {
                        fail(exchange, ctx, written.cause());
                    }
                });
    }

    /** As Camel's consumer handles a failure of its own (not of the route: the route's onException answers those). */
    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
        ctx.fail(failure);
        if (getEndpoint().isHandleWriteResponseError() && failure != null) {
            Exception existing = exchange.getException();
            if (existing != null) {
                failure.addSuppressed(existing);
            }
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure);
        }
        finish(exchange);
    }

    private void finish(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }

    private static boolean isForm(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
                || type.regionMatches(true, 0, "multipart/form-data", 0, 19));
    }
}
