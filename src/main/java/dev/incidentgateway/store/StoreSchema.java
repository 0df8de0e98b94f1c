package dev.incidentgateway.store;

import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.Redact;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a store's schema stands against this jar's migrations, as Flyway's own history says ({@link Flyway#info()}):
 * absent, older (migrations pending), current, or newer (migrations applied that this jar does not have).
 * <p>
 * Why: Flyway only logs a WARN for "future" migrations, and a gateway older than its store then wrote events that broke
 * the audit chain for good; and commands that only read (verify, listings) created the whole schema on an empty
 * PostgreSQL database (or one whose search_path a restore lost) and reported it intact. Both refusals are one line for
 * the operator, exit 3 like every other store problem.
 */
public final class StoreSchema {
    private final MigrationVersion applied;
    private final MigrationVersion known;
    private final boolean newer;
    private final boolean pending;

    private StoreSchema(MigrationInfoService info) {
        MigrationInfo current = info.current();
        this.applied = current == null ? null : current.getVersion();
        // The newest migration this jar has (resolved locally), applied yet or not.
        this.known = Arrays.stream(info.all()).filter(m -> m.getState().isResolved() && m.getVersion() != null)
                .map(MigrationInfo::getVersion).max(MigrationVersion::compareTo).orElse(MigrationVersion.EMPTY);
        this.newer = Arrays.stream(info.all()).anyMatch(m -> m.getState().name().startsWith("FUTURE"));
        this.pending = info.pending().length > 0;
    }

    static StoreSchema of(MigrationInfoService info) {
        return new StoreSchema(info);
    }

    /** @throws StoreStartException when a newer gateway upgraded the store (downgrades are not supported) */
    void refuseNewer() {
        if (newer) {
            throw new StoreStartException("this store was upgraded by a newer gateway (schema " + applied + " > " + known
                    + ", the newest this gateway knows); run that version or restore a backup (downgrades are not supported)", null);
        }
    }

    /**
     * For commands that must neither create nor upgrade a store: the schema must be this jar's, as is.
     *
     * @param url the configured URL, for the message (redacted)
     * @throws StoreStartException no gateway store where the session looks, an older one, or a newer one
     */
    static void requireCurrent(Flyway flyway, DataSource runtime, SqlDialect dialect, String url) {
        StoreSchema schema;
        try {
            schema = of(flyway.info());
        } catch (FlywayException e) {
            throw new StoreStartException("cannot read the schema history of the store at " + Redact.url(url) + " ("
                    + where(runtime, dialect) + "): " + Redact.text(e.getMessage().lines().findFirst().orElse("")), e);
        }
        if (schema.applied == null) {
            throw new StoreStartException("no gateway store at " + Redact.url(url) + " (" + where(runtime, dialect) + "): "
                    + elsewhere(runtime, dialect) + "nothing was created", null);
        }
        schema.refuseNewer();
        if (schema.pending) {
            throw new StoreStartException("the store at " + Redact.url(url) + " has schema " + schema.applied + ", this gateway's is "
                    + schema.known + ": start this version of the gateway once to upgrade it (this command changes no schema)", null);
        }
    }

    /** Where the session looked for the gateway's tables: PostgreSQL's search_path, H2's schema. */
    private static String where(DataSource runtime, SqlDialect dialect) {
        String sql = dialect == SqlDialect.POSTGRESQL ? "SELECT current_setting('search_path')" : "SELECT SCHEMA()";
        try (Connection c = runtime.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return (dialect == SqlDialect.POSTGRESQL ? "schema search_path " : "schema ") + rs.getString(1);
        } catch (SQLException e) {
            return "schema unknown: " + Redact.text(e.getMessage());
        }
    }

    /**
     * Before a migration: a PostgreSQL session that finds no gateway schema where it looks while one exists in another
     * schema is most likely a restore that lost the roles' search_path. Migrating would create a second, empty store
     * there (or fail on the schema's privileges with Flyway's stack trace): refused in one line instead, exit 3.
     * <p>
     * One catalog query, not {@link Flyway#info()}: that resolved every migration and read the whole history at every
     * start, just before the migration did both again. Flyway looks where the session does (its {@code current_schema()}).
     *
     * @throws StoreStartException when the session's schema has no gateway store and another schema has one
     */
    static void refuseMisplaced(Flyway flyway, SqlDialect dialect) {
        if (dialect != SqlDialect.POSTGRESQL) {
            return;
        }
        DataSource session = flyway.getConfiguration().getDataSource();
        Histories histories = histories(session);
        if (!histories.whereTheSessionLooks() && !histories.schemas().isEmpty()) {
            throw new StoreStartException("no gateway store where the session looks (" + where(session, dialect) + "): "
                    + misplaced(histories.schemas()) + "nothing was created", null);
        }
    }

    /**
     * What to do about it. On PostgreSQL a gateway schema in another schema than the session's is most likely a restore
     * that lost the roles' search_path ({@code pg_dump} without {@code --create} leaves out {@code ALTER ROLE … IN
     * DATABASE … SET}).
     */
    private static String elsewhere(DataSource runtime, SqlDialect dialect) {
        String check = "check " + StoreSettings.DB_URL.env() + (dialect == SqlDialect.POSTGRESQL ? " and " + StoreSettings.DB_USER.env() : "")
                + " (a gateway's first start creates the store); ";
        if (dialect != SqlDialect.POSTGRESQL) {
            return check;
        }
        List<String> schemas = histories(runtime).schemas();
        return schemas.isEmpty() ? check : misplaced(schemas);
    }

    private static String misplaced(List<String> schemas) {
        return "a gateway schema is in " + String.join(", ", schemas) + ": a restore without pg_dump "
                + "--create loses the roles' search_path, so run scripts/pg-roles.sql again with the setup's "
                + "variables and passwords (it sets the roles' search_path again; or add currentSchema=" + schemas.get(0) + " to " + StoreSettings.DB_URL.env() + "); ";
    }

    /**
     * The PostgreSQL schemas holding a Flyway history the session may see, and whether one is the session's own (where
     * Flyway looks: {@code current_schema()}); none when they cannot be listed (the migration then reports why).
     */
    private record Histories(List<String> schemas, boolean whereTheSessionLooks) {
    }

    private static Histories histories(DataSource dataSource) {
        List<String> schemas = new ArrayList<>();
        boolean here = false;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT table_schema, table_schema = current_schema() FROM information_schema.tables "
                        + "WHERE table_name = 'flyway_schema_history' ORDER BY 1")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
                here |= rs.getBoolean(2);
            }
        } catch (SQLException e) {
            return new Histories(List.of(), false);
        }
        return new Histories(schemas, here);
    }
}
