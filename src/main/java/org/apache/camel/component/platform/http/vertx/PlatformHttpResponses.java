package org.apache.camel.component.platform.http.vertx;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The gateway's only class in Camel's package: makes Camel's package-private {@code VertxPlatformHttpSupport.writeResponse}
 * callable by {@code dev.incidentgateway.transport.AsyncRouteHttpConsumer}, so its answers are written exactly as Camel's
 * own consumer writes them (status, headers through the filter strategy, body conversions). Camel 4.18 offers no
 * public entry for it.
 */
public final class PlatformHttpResponses {
    private PlatformHttpResponses() {
    }

    public static Future<Void> write(RoutingContext ctx, Exchange exchange, HeaderFilterStrategy headerFilterStrategy,
                                     boolean muteExceptions) {
        return VertxPlatformHttpSupport.writeResponse(ctx, exchange, headerFilterStrategy, muteExceptions);
    }
}
