package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.http.SinkHttpClient;
import java.util.List;
import java.util.Map;

/**
 * Builds one connector's sink from its descriptor and environment. The registry decides whether the sink
 * is on (all {@link #requiredEnv} set and the descriptor does not say {@code enabled: false}) and stops the
 * start, naming the variable, when a descriptor says {@code enabled: true} but one is missing.
 */
public interface SinkFactory {
    /** The connector's name, as in {@code connectors/<name>.yaml}. */
    String connector();

    /** Environment variables that must be set for the sink to run (URLs, credentials). */
    List<String> requiredEnv();

    /**
     * @param env  the process environment (read credentials and base URLs from it; never log them)
     */
    Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http);
}
