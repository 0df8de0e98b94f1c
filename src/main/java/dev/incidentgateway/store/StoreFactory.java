package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import org.flywaydb.core.Flyway;

/** Opens the connection pool (HikariCP) and brings the schema up to date (Flyway) before anything else runs. */
public final class StoreFactory {
    private StoreFactory() {
    }

    public static HikariDataSource openAndMigrate(GatewayConfig config) {
        HikariDataSource ds = open(config);
        try {
            awaitReachable(ds, java.time.Duration.ofSeconds(config.get(GatewayConfig.DB_STARTUP_WAIT_S)));
            migrate(ds, SqlDialect.forUrl(config.get(GatewayConfig.DB_URL)));
            return ds;
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public static HikariDataSource open(GatewayConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("gateway-store");
        hc.setJdbcUrl(durableUrl(config.get(GatewayConfig.DB_URL)));
        hc.setUsername(config.get(GatewayConfig.DB_USER));
        hc.setPassword(config.get(GatewayConfig.DB_PASSWORD));
        hc.setMaximumPoolSize(config.get(GatewayConfig.DB_POOL_SIZE));
        hc.setMinimumIdle(2);
        // Fail an unreachable store within seconds: callers answer 503 and the sender retries.
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        // Start even if the database is briefly unreachable; Flyway then reports the real cause.
        hc.setInitializationFailTimeout(-1);
        if (config.isPostgres()) {
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return new HikariDataSource(hc);
    }

    /**
     * Waits for the store to accept a connection: a database that starts next to the gateway, or an H2 file
     * whose lock a killed process left behind (H2 needs a few seconds to see that its owner is gone).
     */
    static void awaitReachable(HikariDataSource ds, java.time.Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (java.sql.Connection c = ds.getConnection()) {
                return;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the store did not accept a connection within " + patience.toSeconds()
                            + " s (" + GatewayConfig.DB_STARTUP_WAIT_S.env() + "): " + e.getMessage(), e);
                }
                org.slf4j.LoggerFactory.getLogger(StoreFactory.class).info("Waiting for the store: {}", e.getMessage());
            }
        }
    }

    /**
     * H2 writes committed transactions to its file up to WRITE_DELAY (500 ms) after the commit returns: a
     * process killed in that window loses events that were already answered 2xx. WRITE_DELAY=0 writes each
     * commit before it returns (group commit keeps that affordable). An explicit setting in the URL wins.
     */
    static String durableUrl(String url) {
        if (url.startsWith("jdbc:h2:") && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
            url = url + ";WRITE_DELAY=0";
        }
        // H2's own shutdown hook would close the database on SIGTERM while the gateway still drains its writer and
        // signs the last audit checkpoint; the gateway closes the pool (and so the database) itself when it stops.
        // (H2 refuses this together with AUTO_SERVER=TRUE; such a store is closed by H2's hook as before.)
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        if (url.startsWith("jdbc:h2:") && !upper.contains("DB_CLOSE_ON_EXIT") && !upper.contains("AUTO_SERVER=TRUE")) {
            url = url + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        return url;
    }

    public static void migrate(HikariDataSource ds, SqlDialect dialect) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.flywayVendor())
                .failOnMissingLocations(false)
                .load()
                .migrate();
    }
}
