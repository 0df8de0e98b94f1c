package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariConfig;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;

import java.time.Duration;

/**
 * The JDBC timeouts of the server's pool, derived from the append timeout (GATEWAY_APPEND_TIMEOUT_MS) so that a hung
 * database costs bounded time everywhere:
 * <ul>
 *   <li>connect (PostgreSQL {@code connectTimeout}, {@code loginTimeout}): 5 s, the pool's own connection timeout —
 *       an unreachable server fails a new connection as fast as an exhausted pool does;</li>
 *   <li>statement (PostgreSQL {@code statement_timeout}, H2 {@code QUERY_TIMEOUT}): the append timeout — the server
 *       stops work whose caller has already been answered 503, and frees the append lock it holds;</li>
 *   <li>socket read (PostgreSQL {@code socketTimeout}): the append timeout plus 5 s — above the statement timeout, so
 *       a merely slow statement ends by the server's cancel and its connection stays usable, while a server that
 *       answers nothing at all (paused, network cut) releases the writer thread a few seconds after its callers got
 *       their 503, failing the whole group at once.</li>
 * </ul>
 * Schema migrations run on their own connection without these (StoreFactory), since a migration may rightly take long.
 */
public record StoreTimeouts(Duration connect, Duration statement, Duration socket) {
    static final Duration CONNECT = Duration.ofSeconds(5);

    /** Only the connect timeout: command-line tools (verify, rebuild) may run long statements on purpose. */
    public static StoreTimeouts connectOnly() {
        return new StoreTimeouts(CONNECT, Duration.ZERO, Duration.ZERO);
    }

    /** The server's timeouts, following the append timeout. */
    public static StoreTimeouts forAppends(GatewayConfig config) {
        Duration append = Duration.ofMillis(config.get(StoreSettings.APPEND_TIMEOUT_MS));
        return new StoreTimeouts(CONNECT, append, Duration.ofSeconds(ceilSeconds(append) + 5));
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    /** Sets the timeouts as driver properties (not in the URL, so a migration connection built from the URL has none). */
    void applyTo(HikariConfig hc, boolean postgres) {
        if (postgres) {
            hc.addDataSourceProperty("connectTimeout", String.valueOf(ceilSeconds(connect)));
            hc.addDataSourceProperty("loginTimeout", String.valueOf(ceilSeconds(connect)));
            if (!socket.isZero()) {
                hc.addDataSourceProperty("socketTimeout", String.valueOf(ceilSeconds(socket)));
            }
            if (!statement.isZero()) {
                hc.addDataSourceProperty("options", "-c statement_timeout=" + statement.toMillis());
            }
        } else if (!statement.isZero()) {
            hc.addDataSourceProperty("QUERY_TIMEOUT", String.valueOf(statement.toMillis()));
        }
    }
}
