package dev.incidentgateway.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * {@link ApiEndpoint} for a handler whose answer comes later (an append: once its group commits). The request is checked
 * and parsed on the HTTP worker thread as with {@link ApiEndpoint}, then the worker is free: the route is an asynchronous
 * step, and the gateway's platform-http consumer ({@code transport/AsyncRouteHttpConsumer}) writes the answer when the
 * handler's future completes. So appends waiting for a commit do not each hold one of Vert.x's 20 worker threads (issue
 * 13; webhooks have done so since then through {@code timeline:append}). Same body checks, same problem+json answers.
 */
public final class AsyncApiEndpoint extends AsyncProcessorSupport {
    /**
     * A handler: one request in, its response once the future completes; throws (or fails the future with) what
     * {@link ApiEndpoint.Handler} throws. Work after the commit that may block (a read of the store) goes to
     * {@code blocking}, an HTTP worker thread, never to the thread that completed the append (one of the store's few).
     */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<ApiResponse> handle(ApiRequest request, Executor blocking) throws Exception;
    }

    private final Handler handler;
    private final ProblemMapper problems;
    private final int maxBodyBytes;

    AsyncApiEndpoint(Handler handler, ProblemMapper problems, int maxBodyBytes) {
        this.handler = handler;
        this.problems = problems;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ApiRequest request = new ApiRequest(exchange);
        String path = request.path();
        CompletableFuture<ApiResponse> pending;
        try {
            ApiEndpoint.checkBody(request, maxBodyBytes);
            pending = handler.handle(request, blockingExecutor());
        } catch (Exception | VirtualMachineError e) { // as ApiEndpoint: bad input (nothing queued) and our own failures
            ApiEndpoint.reply(exchange.getMessage(), ApiEndpoint.problemResponse(e, path, problems));
            callback.done(true);
            return true;
        }
        if (pending.isDone()) {
            reply(exchange, pending, path);
            callback.done(true);
            return true;
        }
        pending.whenComplete((response, error) -> {
            reply(exchange, pending, path);
            callback.done(false);
        });
        return false;
    }

    /**
     * The HTTP worker pool of the request's Vert.x context; off Vert.x (Camel's own consumer, a test) the thread that
     * completes the step. A task Vert.x refuses (it is closing) runs on the completing thread, so the request is answered.
     * No listener on the future: Vert.x calls any listener on the event loop after a success too (an empty event-loop
     * task per request); a refused task fails it before {@code executeBlocking} returns.
     */
    private static Executor blockingExecutor() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> {
            Future<Object> started = context.executeBlocking(() -> {
                task.run();
                return null;
            }, false);
            if (started.failed()) {
                task.run();
            }
        };
    }

    /** The response, or the failure as problem+json; never throws (the exchange must be answered either way). */
    private void reply(Exchange exchange, CompletableFuture<ApiResponse> done, String path) {
        ApiResponse response;
        try {
            response = done.join();
        } catch (CompletionException | CancellationException e) {
            response = ApiEndpoint.problemResponse(e.getCause() != null ? e.getCause() : e, path, problems);
        } catch (RuntimeException | VirtualMachineError e) {
            response = ApiEndpoint.problemResponse(e, path, problems);
        }
        ApiEndpoint.reply(exchange.getMessage(), response);
    }
}
