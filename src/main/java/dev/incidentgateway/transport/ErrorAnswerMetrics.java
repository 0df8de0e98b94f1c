package dev.incidentgateway.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code gateway_http_errors_total{status}}: every answer of the HTTP server with a status of 400 or more, counted
 * where the server finishes writing it (Vert.x's metrics SPI, {@link HttpServerMetrics#responseEnd}), whoever wrote it:
 * the edge's refusals, requests no route takes, the API's problems, the live stream's refusals, a YAML route's own
 * error answer, a request the HTTP decoder refused. Before, each of those counted for itself (six places, and a route
 * or handler that forgot was not counted); here the count is what went on the wire, once per answer. An answer the
 * client did not wait for (the connection closed first) is not counted: it was never written.
 */
final class ErrorAnswerMetrics implements VertxMetrics {
    private final MeterRegistry meters;
    private final ConcurrentMap<Integer, Counter> byStatus = new ConcurrentHashMap<>();

    /**
     * The statuses an alert names (overload and the store's trouble are 503, a rate limit 429, a bug 500), and the
     * commonest refusals, registered at 0 so that {@code rate()} sees their first answer; others appear when first written.
     */
    private static final int[] FROM_THE_START = {400, 401, 403, 404, 413, 429, 500, 503};

    private ErrorAnswerMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (int status : FROM_THE_START) {
            byStatus.put(status, counter(status));
        }
    }

    private Counter counter(int status) {
        return meters.counter("gateway.http.errors", "status", Integer.toString(status));
    }

    /** Options for {@code Vertx.vertx(...)} whose HTTP servers count their error answers in {@code meters}. */
    static MetricsOptions options(MeterRegistry meters) {
        ErrorAnswerMetrics metrics = new ErrorAnswerMetrics(meters);
        return new MetricsOptions().setEnabled(true).setFactory(vertxOptions -> metrics);
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
        return new HttpServerMetrics<Void, Void, Void>() {
            @Override
            public void responseEnd(Void requestMetric, HttpResponse response, long bytesWritten) {
                if (response.statusCode() >= 400) {
                    byStatus.computeIfAbsent(response.statusCode(), status -> counter(status)).increment();
                }
            }
        };
    }
}
