package dev.incidentgateway.transport;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.HttpSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Vert.x reports a failed bind only in its log and Camel starts anyway, serving nothing: the gateway checks its port
 * first, so a taken port stops the start with a message naming the key.
 */
public final class HttpPortCheck {
    private HttpPortCheck() {
    }

    /** @throws ConfigException naming {@code GATEWAY_HTTP_PORT} when the configured port cannot be bound now */
    public static void requireFree(GatewayConfig config) {
        int port = config.get(HttpSettings.HTTP_PORT);
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new ConfigException(HttpSettings.HTTP_PORT.problem("port " + port + " is not available (" + e.getMessage() + ")"));
        }
    }
}
