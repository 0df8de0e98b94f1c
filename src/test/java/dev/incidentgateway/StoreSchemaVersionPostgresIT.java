package dev.incidentgateway;

import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.store.StoreTimeouts;
import dev.incidentgateway.testsupport.TestStore;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL: the commands that only read, on an empty database and on a restored one whose search_path was lost (the
 * gateway's tables in schema {@code gateway}, the session looking in {@code public}), create nothing and say where they
 * looked. Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI.
 */
class StoreSchemaVersionPostgresIT extends StoreSchemaVersionContract {
    private static final List<List<String>> READ_ONLY = List.of(List.of("verify"), List.of("api-key", "list"),
            List.of("api-key", "revoke", "x"), List.of("rebuild-views"));

    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }

    private int tables(String schema) throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_tables WHERE schemaname = '" + schema + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void onAnEmptyDatabaseTheCommandsThatOnlyReadCreateNothing() throws Exception {
        for (List<String> command : READ_ONLY) {
            Result r = run(command.toArray(String[]::new));
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(3);
            assertThat(r.err()).as(command.toString()).contains("no gateway store at " + testStore.config().get(StoreSettings.DB_URL)
                    + " (schema search_path \"$user\", public): ", "nothing was created");
            assertThat(tables("public")).as(command + " created tables").isZero();
        }
        Result created = run("api-key", "create", "--name", "first", "--scopes", "admin");
        assertThat(created.exit()).as("the quick start's first command creates the store: " + created).isZero();
        assertThat(run("verify").exit()).isZero();
    }

    @Test
    void aRestoreThatLostTheSearchPathIsNamedNotReportedAsAnEmptyIntactStore() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA gateway");
        }
        String url = testStore.config().get(StoreSettings.DB_URL);
        Map<String, String> inGateway = Map.of("GATEWAY_DB_URL", url + (url.contains("?") ? "&" : "?") + "currentSchema=gateway");
        assertThat(run(inGateway, "api-key", "create", "--name", "first", "--scopes", "admin").exit()).isZero();

        Result r = run("verify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("no gateway store at", "(schema search_path \"$user\", public): a gateway schema is in gateway",
                "run scripts/pg-roles.sql again", "currentSchema=gateway", "nothing was created");
        assertThat(tables("public")).as("verify created tables").isZero();

        // The commands that create or upgrade a store (the start too) must not make a second, empty one where the session
        // looks: it was a Flyway stack trace (exit 1) without the privilege, a new empty store beside the restored one with it.
        for (List<String> migrating : List.of(List.of("api-key", "create", "--name", "second", "--scopes", "read"),
                List.of("webhook-token", "--source", "alertmanager", "--rotate"))) {
            Result refused = run(migrating.toArray(String[]::new));
            assertThat(refused.exit()).as(migrating + ": " + refused).isEqualTo(3);
            assertThat(refused.err()).as(migrating.toString()).contains("no gateway store where the session looks (schema search_path \"$user\", public): "
                    + "a gateway schema is in gateway", "currentSchema=gateway", "nothing was created");
            assertThat(tables("public")).as(migrating + " created tables").isZero();
        }
        assertThat(run(inGateway, "verify").exit()).isZero();
    }

    /**
     * The start's check for a misplaced store is one catalog query: it called Flyway's info() (every migration resolved,
     * the whole history read) at every start, just before the migration did both again.
     */
    @Test
    void aStartAsksFlywayForNoInfoBeforeItsMigration() {
        AtomicInteger infos = new AtomicInteger();
        Callback countInfos = new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.BEFORE_INFO;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                infos.incrementAndGet();
            }

            @Override
            public String getCallbackName() {
                return "count-infos";
            }
        };
        for (String start : List.of("first start: creates the store", "second start: finds it")) {
            StoreFactory.openAndMigrate(testStore.config(), StoreTimeouts.connectOnly(), countInfos).close();
            assertThat(infos.get()).as(start).isZero();
        }
    }
}
