package dev.incidentgateway.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.testsupport.TableCells;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class WebhookTokenCommandPostgresIT extends WebhookTokenCommandContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }

    /**
     * A role that may not DELETE from gateway_secrets, migrating without GATEWAY_DB_MIGRATION_USER, still upgrades the
     * legacy token (its senders keep working) in the migration's transaction, which still commits; the plain-text row
     * stays for an owner to delete.
     */
    @Test
    void aRoleThatMayNotDeleteStillAdoptsTheLegacyToken() throws Exception {
        String role = "wt_runtime_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE ON webhook_tokens TO " + role);
            st.execute("GRANT SELECT ON gateway_secrets TO " + role);
            st.execute("GRANT SELECT ON credential_marks TO " + role);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
                ps.setString(1, "webhook-token");
                ps.setString(2, "legacy-token-value");
                ps.setObject(3, OffsetDateTime.now());
                ps.executeUpdate();
            }
        }
        try {
            HikariConfig asRuntime = new HikariConfig();
            asRuntime.setJdbcUrl(testStore.config().get(StoreSettings.DB_URL));
            asRuntime.setUsername(testStore.config().get(StoreSettings.DB_USER));
            asRuntime.setPassword(testStore.config().get(StoreSettings.DB_PASSWORD));
            asRuntime.setConnectionInitSql("SET ROLE " + role);
            try (HikariDataSource runtime = new HikariDataSource(asRuntime); Connection c = runtime.getConnection()) {
                c.setAutoCommit(false);
                List<String> adopted = new WebhookTokenStore(runtime, CredentialRowMacs.from(ChainKey.generate()))
                        .adoptLegacyToken(c, List.of("alertmanager", "grafana"));
                c.commit();
                assertThat(adopted).containsExactly("alertmanager", "grafana");
            }
            assertThat(hashes()).containsOnlyKeys("alertmanager", "grafana");
            assertThat(TableCells.of(dataSource, "gateway_secrets")).as("left for the owner").contains("legacy-token-value");
        } finally {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }
}
