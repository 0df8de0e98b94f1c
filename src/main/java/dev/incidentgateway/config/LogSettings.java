package dev.incidentgateway.config;

import java.util.List;

/**
 * How the gateway writes its log (lifecycle/LogFormat). Declared once here, listed in {@link GatewayConfig#KEYS}; read with
 * {@link GatewayConfig#get}.
 */
public final class LogSettings {
    public static final ConfigKey<String> LOG_FORMAT = ConfigKey.matching("log.format", "GATEWAY_LOG_FORMAT", "text", "text|json",
            "text or json", "The log of a running gateway (on stderr): 'text', a line per entry for people; 'json', one JSON "
                    + "object per line for a log pipeline (Loki, Elasticsearch, Cloud Logging): timestamp (epoch milliseconds), "
                    + "level, threadName, loggerName, formattedMessage, throwable (class, message, frames, cause). Entries hold "
                    + "what the text lines hold: no secret, no payload. CLI commands log as text.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(LOG_FORMAT);

    private LogSettings() {
    }
}
