package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.Redact;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Opens the connection pool (HikariCP) and brings the schema up to date (Flyway) before anything else runs. */
public final class StoreFactory {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFactory.class);
    /**
     * PostgreSQL's application_name of a gateway's connections (pg_stat_activity): {@code chain-key rotate} refuses to run
     * while a session of that name is connected. The command line's stores, which must not count, have their own.
     */
    public static final String GATEWAY_APPLICATION_NAME = "incident-gateway";
    static final String COMMAND_LINE_APPLICATION_NAME = "incident-gateway-cli";

    /**
     * How long H2 keeps a chunk's space after writing it before it may reuse it once dead (its RETENTION_TIME): ten of
     * the maintenance's fsync periods, see {@link #durableUrl}.
     */
    static final java.time.Duration H2_RETENTION = H2FileMaintenance.PERIOD.multipliedBy(10);
    /** CACHE_SIZE (not QUERY_CACHE_SIZE) among an H2 URL's settings. */
    private static final java.util.regex.Pattern H2_CACHE_SIZE = java.util.regex.Pattern.compile("(^|;)\\s*CACHE_SIZE\\s*=");

    private StoreFactory() {
    }

    /** For command-line tools: only the connect timeout (see {@link StoreTimeouts#connectOnly()}). */
    public static HikariDataSource openAndMigrate(GatewayConfig config) {
        return openAndMigrate(config, StoreTimeouts.connectOnly());
    }

    public static HikariDataSource openAndMigrate(GatewayConfig config, StoreTimeouts timeouts) {
        return openAndMigrate(config, timeouts, new Callback[0]);
    }

    /**
     * @param upgradeSteps Flyway callbacks that must run in the process that applies a migration, and only there (the
     *                     seal of credential rows from before row MACs: {@code CredentialRowSeal})
     */
    public static HikariDataSource openAndMigrate(GatewayConfig config, StoreTimeouts timeouts, Callback... upgradeSteps) {
        return openWith(config, timeouts, GATEWAY_APPLICATION_NAME, ds -> migrate(config, ds, upgradeSteps));
    }

    /**
     * For command-line tools that must neither create nor upgrade a store (verify, listings): opens it only when the
     * schema there is this gateway's, as is.
     *
     * @throws StoreStartException no gateway store where the session looks, an older or a newer schema (see {@link StoreSchema})
     */
    public static HikariDataSource openExisting(GatewayConfig config) {
        SqlDialect dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        // As the runtime user (it may read Flyway's history): a command that changes no schema needs no owner credential.
        return openWith(config, StoreTimeouts.connectOnly(), COMMAND_LINE_APPLICATION_NAME, ds -> StoreSchema.requireCurrent(
                flyway(dialect).dataSource(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword()).load(), ds, dialect,
                config.get(StoreSettings.DB_URL)));
    }

    private static HikariDataSource openWith(GatewayConfig config, StoreTimeouts timeouts, String applicationName,
                                             Consumer<HikariDataSource> schema) {
        String url = config.get(StoreSettings.DB_URL);
        warnIfListening(url);
        Optional<H2DataDirectory> h2Dir = H2DataDirectory.of(url);
        h2Dir.ifPresent(H2DataDirectory::prepare);
        HikariDataSource ds = open(config, timeouts, applicationName);
        try {
            StoreStartupWait.await(ds.getJdbcUrl(), config.get(StoreSettings.DB_USER), config.get(StoreSettings.DB_PASSWORD),
                    config.isPostgres(), java.time.Duration.ofSeconds(config.get(StoreSettings.DB_STARTUP_WAIT_S)));
            schema.accept(ds);
            h2Dir.ifPresent(H2DataDirectory::restrictFiles);
            H2FileMaintenance.startIfEmbeddedH2(ds);
            return ds;
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public static HikariDataSource open(GatewayConfig config) {
        return open(config, StoreTimeouts.connectOnly());
    }

    public static HikariDataSource open(GatewayConfig config, StoreTimeouts timeouts) {
        return open(config, timeouts, GATEWAY_APPLICATION_NAME);
    }

    private static HikariDataSource open(GatewayConfig config, StoreTimeouts timeouts, String applicationName) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("gateway-store");
        String url = durableUrl(config.get(StoreSettings.DB_URL));
        try {
            java.sql.DriverManager.getDriver(url); // a URL no driver takes (e.g. a port that is not a number) is bad configuration
        } catch (java.sql.SQLException e) {
            throw new dev.incidentgateway.config.ConfigException(StoreSettings.DB_URL.problem("no JDBC driver takes this URL ("
                    + Redact.url(config.get(StoreSettings.DB_URL)) + "); expected jdbc:postgresql://host:port/database or jdbc:h2:file:path"));
        }
        hc.setJdbcUrl(url);
        hc.setUsername(config.get(StoreSettings.DB_USER));
        hc.setPassword(config.get(StoreSettings.DB_PASSWORD));
        hc.setMaximumPoolSize(config.get(StoreSettings.DB_POOL_SIZE));
        hc.setMinimumIdle(2);
        // Fail an unreachable store within seconds: callers answer 503 and the sender retries.
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        // Start even if the database is briefly unreachable; Flyway then reports the real cause.
        hc.setInitializationFailTimeout(-1);
        if (config.isPostgres()) {
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", applicationName);
        }
        timeouts.applyTo(hc, config.isPostgres());
        if (url.startsWith("jdbc:h2:")) { // H2DurableCommits says why: a commit must be on disk when it returns
            hc.setDataSource(H2DurableCommits.wrap(new com.zaxxer.hikari.util.DriverDataSource(url, null,
                    hc.getDataSourceProperties(), hc.getUsername(), hc.getPassword())));
        }
        return new HikariDataSource(hc);
    }

    /**
     * H2 writes committed transactions to its file up to WRITE_DELAY (500 ms) after the commit returns: a
     * process killed in that window loses events that were already answered 2xx. WRITE_DELAY=0 writes each
     * commit before it returns (group commit keeps that affordable). H2's own error log ({@code .trace.db} beside
     * the store) would hold statements and row values outside the redacted gateway log, in a file made after the
     * start narrowed permissions: TRACE_LEVEL_FILE=0 turns it off (errors still reach the gateway as exceptions).
     * An explicit setting in the URL wins.
     */
    static String durableUrl(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(Locale.ROOT);
        String out = url;
        if (!upper.contains("WRITE_DELAY")) {
            out += ";WRITE_DELAY=0";
        }
        // Every commit writes each B-tree page it changed. Compressed (LZF), as before session 21: H2 then ignores
        // PAGE_SIZE and splits pages at 64 KB (org.h2.mvstore.db.Store), and serializing + compressing those pages is a
        // quarter to a third of the single writer's CPU. Uncompressed (COMPRESS=FALSE in GATEWAY_DB_URL) the 4 KB pages
        // asked for here take effect: writer CPU per event -26 % (notes) / -33 % (new alerts), webhook ingest ≈ +14 %,
        // but 2.4x the bytes on disk (1,979 vs 839 per event at 1M) and a slower Since page at 1M (p99 11.6 vs 9.3 ms,
        // over the 10 ms). bench/README.md, "Storage per event" and "Scale", session 21. Measured end to end again
        // in session 44 (webhook ingest, outbox delivery, appends; "Webhook ingest", session 44): no gain beyond the spread
        // for the bigger file. The default keeps the compact store; PAGE_SIZE stays for those who turn compression off.
        // Either setting reads the other's pages.
        if (!upper.contains("PAGE_SIZE")) {
            out += ";PAGE_SIZE=4096";
        }
        if (!upper.contains("COMPRESS")) {
            out += ";COMPRESS=TRUE";
        }
        // H2 keeps the 8 most recent parsed statements per connection by default; the writer's group uses more than 8
        // (lock, lookups, inserts, view upsert, outbox, correlation), so every group parsed all of them again.
        if (!upper.contains("QUERY_CACHE_SIZE")) {
            out += ";QUERY_CACHE_SIZE=64";
        }
        // H2 sizes its page cache at 1/16 of a heap under 1 GB (16 MB at -Xmx256m). On a store larger than that cache, a
        // read that walks pages (a Since page of 100 decodes ~6 of them) replaces much of the cache between two young
        // collections, and G1 copies every cached page that is still young: on a 1M-event store the Since feed's young
        // pauses took 18 ms on average, so the page a pause hit missed the 10 ms p99. At 1/32 of the heap they
        // take 7 ms (5 ms at 1/64). The price: the writer reads back more index leaves, about 5-10 % more CPU per new
        // alert in bench/webhook.sh (bench/README.md, Scale, session 41). An explicit CACHE_SIZE wins.
        if (!H2_CACHE_SIZE.matcher(upper).find()) {
            out += ";CACHE_SIZE=" + h2CacheKb(Runtime.getRuntime().maxMemory());
        }
        // H2 reuses a dead chunk's space only once the chunk was written RETENTION_TIME ago, so the running file holds
        // its live data plus that many seconds of writes. H2's default, 45 s, stayed until session 38 because 1 s had
        // lost answered commits on SIGKILL (issue 13); session 37 found the cause in H2's header write, which bites at any
        // retention once freed space is reused (45 s after a start by default), and fixed it (H2NewestChunkHeader). Since
        // then bench/kill-check.sh lost no acknowledged append with 1 s (6 of 6 runs, 321k–608k appends each), with 0
        // (6 of 6, 196k–353k), nor with 5 s killed in the middle of the appends (6 of 6, 61k–467k). Soaks, 5 s against
        // 45 s: at 100 new alerts/s 29 against 149 MB after 15k; at 2,000/s 518 against 658 MB after 360k; the gateway's CPU
        // per event no higher.
        // Not shorter than 5 s: H2 does not fsync before it overwrites a dead chunk's space and assumes the OS wrote the
        // chunk out within the retention time (MVStore#setRetentionTime); the gateway's fsync is H2FileMaintenance's,
        // every PERIOD (0.5 s) plus the run's compaction, so ten periods keep that assumption with room on a busy machine.
        // What it guards is a power failure, which a kill -9 test does not cover. An explicit RETENTION_TIME wins.
        if (!upper.contains("RETENTION_TIME")) {
            out += ";RETENTION_TIME=" + H2_RETENTION.toMillis();
        }
        if (!upper.contains("TRACE_LEVEL_FILE")) {
            out += ";TRACE_LEVEL_FILE=0";
        }
        // H2's own shutdown hook would close the database on SIGTERM while the gateway still drains its writer and
        // signs the last audit checkpoint; the gateway closes the pool (and so the database) itself when it stops.
        // (H2 refuses this together with AUTO_SERVER=TRUE; such a store is closed by H2's hook as before.)
        if (!upper.contains("DB_CLOSE_ON_EXIT") && !upper.replace(" ", "").contains("AUTO_SERVER=TRUE")) {
            out += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        return out;
    }

    /** H2's page cache, in KB, for a JVM whose heap may grow to {@code maxHeapBytes}: 1/32 of it, 2 MB to 64 MB (H2's own default). */
    static long h2CacheKb(long maxHeapBytes) {
        return Math.max(2 * 1024, Math.min(64 * 1024, maxHeapBytes / 32 / 1024));
    }

    /**
     * An H2 URL with {@code AUTO_SERVER=TRUE} makes H2 open a TCP port (on every interface) for other processes:
     * allowed, since a user asked for it, but said loudly at every start.
     */
    static boolean warnIfListening(String url) {
        boolean listening = opensTcpPort(url);
        if (listening) {
            LOG.warn("{} has AUTO_SERVER=TRUE: H2 opens a TCP port through which anyone who reaches this host and has "
                    + "the database credentials can read and rewrite the store. Remove it unless you need it.",
                    StoreSettings.DB_URL.env());
        }
        return listening;
    }

    /** Whether {@code url} is an H2 store other processes may open too ({@code AUTO_SERVER=TRUE}). */
    public static boolean opensTcpPort(String url) {
        return url.startsWith("jdbc:h2:") && url.toUpperCase(Locale.ROOT).replace(" ", "").contains("AUTO_SERVER=TRUE");
    }

    /**
     * Brings the schema up to date. With {@code GATEWAY_DB_MIGRATION_USER} set, Flyway connects on its own
     * short-lived connections as that user (the schema owner), so the runtime pool never holds the owner's
     * credential; without it, it migrates through the runtime pool, as a single-user setup always did.
     */
    static void migrate(GatewayConfig config, HikariDataSource runtime, Callback... upgradeSteps) {
        SqlDialect dialect = SqlDialect.forUrl(config.get(StoreSettings.DB_URL));
        String owner = config.get(StoreSettings.DB_MIGRATION_USER);
        if (owner.isBlank()) {
            // Its own connection from the URL, without the pool's statement and socket timeouts (StoreTimeouts).
            migrate(flyway(dialect).callbacks(upgradeSteps).dataSource(runtime.getJdbcUrl(), runtime.getUsername(), runtime.getPassword()).load(), dialect);
            return;
        }
        LOG.info("Migrating the schema as {} ({}); the gateway runs as {}", owner, StoreSettings.DB_MIGRATION_USER.env(),
                config.get(StoreSettings.DB_USER));
        try {
            migrate(flyway(dialect).callbacks(upgradeSteps).dataSource(runtime.getJdbcUrl(), owner, config.get(StoreSettings.DB_MIGRATION_PASSWORD)).load(), dialect);
        } catch (org.flywaydb.core.api.FlywayException e) {
            if (StoreStartupWait.refusal(e) == null) {
                throw e;
            }
            // Exit 3 and one line, as for the runtime user (it was a stack trace and exit 1); Flyway's message goes on for
            // several lines (a rule, SQL State, Error Code): its first line names the cause.
            throw new StoreStartException("the store refused the migration user " + owner + " (" + StoreSettings.DB_MIGRATION_USER.env()
                    + ", " + StoreSettings.DB_MIGRATION_PASSWORD.env() + "): " + Redact.text(StoreStartupWait.cause(e).lines().findFirst().orElse("")), e);
        }
    }

    public static void migrate(HikariDataSource ds, SqlDialect dialect) {
        migrate(flyway(dialect).dataSource(ds).load(), dialect);
    }

    /**
     * Flyway's migrate, whose validation refuses a store a newer gateway upgraded, and which must not create a second store
     * beside one a restore left in another schema: each said in one line (exit 3). A callback's
     * configuration problem (the chain key missing or not the store's) comes out as itself (exit 2), not inside Flyway's.
     */
    private static void migrate(Flyway flyway, SqlDialect dialect) {
        StoreSchema.refuseMisplaced(flyway, dialect);
        try {
            flyway.migrate();
        } catch (org.flywaydb.core.api.exception.FlywayValidateException e) {
            StoreSchema.of(flyway.info()).refuseNewer();
            throw e;
        } catch (org.flywaydb.core.api.FlywayException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof dev.incidentgateway.config.ConfigException config) {
                    throw config;
                }
            }
            throw e;
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(SqlDialect dialect) {
        return Flyway.configure()
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.flywayVendor())
                .failOnMissingLocations(false)
                // Flyway's default ("*:future") only logs a WARN for migrations applied by a newer gateway and migrates on;
                // this version's code would then write rows the newer schema does not expect (README, "Downgrades are not
                // supported"). With no pattern, validation fails on them (as on every other mismatch), before any change.
                .ignoreMigrationPatterns(new String[0]);
    }
}
