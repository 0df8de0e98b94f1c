package dev.incidentgateway.config;

import java.util.List;

/**
 * How the running gateway writes its log (lifecycle/GatewayLogging). Declared once here, listed in {@link GatewayConfig#KEYS}; read with
 * {@link GatewayConfig#get}.
 */
public final class LogSettings {
    public static final ConfigKey<String> LOG_FORMAT = ConfigKey.matching("log.format", "GATEWAY_LOG_FORMAT", "text", "text|json",
            "text or json", "The log of a running gateway (on stderr): 'text', a line per entry for people; 'json', one JSON "
                    + "object per line for a log pipeline (Loki, Elasticsearch, Cloud Logging): timestamp (epoch milliseconds), "
                    + "level, threadName, loggerName, formattedMessage, throwable (class, message, frames, cause). Entries hold "
                    + "what the text lines hold: no secret, no payload. CLI commands log as text.");

    public static final ConfigKey<String> LOG_LEVEL = ConfigKey.matching("log.level", "GATEWAY_LOG_LEVEL", "info",
            "(?i)error|warn|info|debug", "error, warn, info or debug", "Level of the gateway's own log lines (loggers "
                    + "dev.incidentgateway.*): 'debug' adds, e.g., each SLA note, each outbox retry and each failed append "
                    + "group, for troubleshooting; written redacted like every other line. Other libraries keep their levels: "
                    + "some log headers or URLs with credentials at DEBUG, so no setting opens them.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(LOG_LEVEL, LOG_FORMAT);

    private LogSettings() {
    }
}
