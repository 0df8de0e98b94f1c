package dev.incidentgateway.testsupport;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.SqlDialect;
import org.flywaydb.core.Flyway;

/** A store as an older gateway left it: Flyway configured as the gateway configures it, up to a target version. */
public final class OlderSchema {
    /** The schema before credential row MACs (V15): an upgrade from it seals the credential rows there. */
    public static final String BEFORE_ROW_MACS = "14";

    private OlderSchema() {
    }

    /** Flyway on the store of {@code config}, up to {@code target} ("latest" for all). */
    public static Flyway flyway(GatewayConfig config, String target) {
        SqlDialect dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        return Flyway.configure().locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.flywayVendor())
                .failOnMissingLocations(false).target(target)
                .dataSource(config.get(StoreSettings.DB_URL), config.get(StoreSettings.DB_USER), config.get(StoreSettings.DB_PASSWORD)).load();
    }

    /** Migrates the store of {@code config} up to {@code target}, as the gateway of that version did. */
    public static void migrate(GatewayConfig config, String target) {
        flyway(config, target).migrate();
    }
}
