package dev.incidentgateway.transport;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The Vert.x instance Camel's platform-http server runs on, with a hook at the creation of its HTTP server.
 *
 * <p>Why: camel-platform-http-vertx 4.18 builds its {@code HttpServerOptions} itself ({@code new HttpServerOptions()}
 * plus TLS) and calls {@code listen} at once, with no customizer; but a Vert.x instance bound in Camel's registry is
 * used instead of its own. Vert.x's {@link VertxWrapper} (made for decorating a Vert.x instance) lets this one
 * adjust the options and set the server's connection handler before Camel starts listening, and put a handler in
 * front of the request handler Camel gives the server (its router). The server is Vert.x's own {@code HttpServerImpl},
 * which is what {@code Vertx.createHttpServer} returns too; only {@code requestHandler} is overridden.
 */
final class ServerHookVertx extends VertxWrapper {
    private final Consumer<HttpServerOptions> options;
    private final Consumer<HttpServer> created;
    private final UnaryOperator<Handler<HttpServerRequest>> inFront;

    ServerHookVertx(Vertx delegate, Consumer<HttpServerOptions> options, Consumer<HttpServer> created,
                    UnaryOperator<Handler<HttpServerRequest>> inFront) {
        super((VertxInternal) delegate);
        this.options = options;
        this.created = created;
        this.inFront = inFront;
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions serverOptions) {
        options.accept(serverOptions);
        HttpServer server = new HttpServerImpl(delegate, serverOptions) {
            @Override
            public synchronized HttpServer requestHandler(Handler<HttpServerRequest> handler) {
                return super.requestHandler(inFront.apply(handler));
            }
        };
        created.accept(server);
        return server;
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }
}
