package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL in a database with a language collation (ICU en-US, which needs no OS locale; en_US.UTF-8 is the usual
 * default of real clusters): the store's identifier columns still compare byte by byte, as H2 does (V16). Every text
 * column is either one of the human-text columns below or has the "C" collation, so a new identifier column
 * must say which it is. Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI.
 */
class IdentifierCollationPostgresIT {
    /** Text people write or read, which keeps the database's collation. */
    private static final Set<String> HUMAN_TEXT = Set.of("timeline_events.actor", "timeline_events.title",
            "timeline_events.content", "timeline_events.data", "incidents.title", "incidents.commander",
            "outbox.last_error", "external_refs.channel", "external_refs.url", "gateway_secrets.secret",
            "source_watermarks.watermark", "api_keys.scopes");

    private static TestStore store;
    private static HikariDataSource ds;

    @BeforeAll
    static void migrateInALanguageCollatedDatabase() {
        store = TestStore.postgres("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
        ds = StoreFactory.openAndMigrate(store.config());
    }

    @AfterAll
    static void drop() {
        if (ds != null) {
            ds.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void identifierColumnsOrderBytewiseWhereTheDatabaseOrdersByLanguage() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 'a-2' < 'B-1'")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the database's own collation is a language one").isTrue();
            }
            st.executeUpdate("INSERT INTO correlation_keys (correlation_key, incident_id, bound_at) VALUES "
                    + "('a-2', 'a-2', CURRENT_TIMESTAMP), ('B-1', 'B-1', CURRENT_TIMESTAMP)");
            assertThat(column(st, "SELECT correlation_key FROM correlation_keys ORDER BY correlation_key"))
                    .containsExactly("B-1", "a-2");
            assertThat(column(st, "SELECT incident_id FROM correlation_keys ORDER BY incident_id DESC"))
                    .containsExactly("a-2", "B-1");
        }
    }

    @Test
    void everyTextColumnIsHumanTextOrCollatesBytewise() throws Exception {
        List<String> languageCollated = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name, column_name, collation_name FROM information_schema.columns "
                     + "WHERE table_schema = current_schema() AND table_name <> 'flyway_schema_history' "
                     + "AND data_type IN ('character varying', 'character', 'text') ORDER BY 1, 2")) {
            int columns = 0;
            while (rs.next()) {
                columns++;
                String name = rs.getString(1) + "." + rs.getString(2);
                if (!HUMAN_TEXT.contains(name) && !"C".equals(rs.getString(3))) {
                    languageCollated.add(name);
                }
            }
            assertThat(columns).as("text columns read").isGreaterThan(40);
        }
        assertThat(languageCollated).as("identifier columns without COLLATE \"C\" (or add them to HUMAN_TEXT)").isEmpty();
    }

    private static List<String> column(Statement st, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
