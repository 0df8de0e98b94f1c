package dev.incidentgateway.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

import java.util.function.Consumer;

/**
 * The Vert.x instance Camel's platform-http server runs on, with a hook at the creation of its HTTP server.
 *
 * <p>Why: camel-platform-http-vertx 4.18 builds its {@code HttpServerOptions} itself ({@code new HttpServerOptions()}
 * plus TLS) and calls {@code listen} at once, with no customizer; but a Vert.x instance bound in Camel's registry is
 * used instead of its own. Vert.x's {@link VertxWrapper} (made for decorating a Vert.x instance) lets this one
 * adjust the options and set the server's connection handler before Camel starts listening.
 */
final class ServerHookVertx extends VertxWrapper {
    private final Consumer<HttpServerOptions> options;
    private final Consumer<HttpServer> created;

    ServerHookVertx(Vertx delegate, Consumer<HttpServerOptions> options, Consumer<HttpServer> created) {
        super((VertxInternal) delegate);
        this.options = options;
        this.created = created;
    }

    @Override
    public HttpServer createHttpServer(HttpServerOptions serverOptions) {
        options.accept(serverOptions);
        HttpServer server = super.createHttpServer(serverOptions);
        created.accept(server);
        return server;
    }

    @Override
    public HttpServer createHttpServer() {
        return createHttpServer(new HttpServerOptions());
    }
}
