package dev.incidentgateway.store;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The page settings of the gateway's H2 URL ({@link StoreFactory#durableUrl}): what H2 really uses, and upgrades. */
class H2PageSettingsTest {

    /**
     * Each commit rewrites every page it changed, so the split size is the writer's cost per changed leaf. The gateway's
     * URL asks for 4 KB pages, but with its default COMPRESS=TRUE H2 ignores PAGE_SIZE and splits at 64 KB (found in
     * session 21; the default stays compressed for its 2.4x smaller store). The 4 KB pages take effect when a user
     * turns compression off in GATEWAY_DB_URL, which is what PAGE_SIZE in the URL is for.
     */
    @Test
    void theSmallPagesTakeEffectOnlyWithCompressionOff(@TempDir Path dir) throws Exception {
        String base = "jdbc:h2:file:" + dir.resolve("g").toAbsolutePath();
        assertThat(pageSize(StoreFactory.durableUrl(base))).isEqualTo("65536");
        assertThat(pageSize(StoreFactory.durableUrl(base + "-plain;COMPRESS=FALSE"))).isEqualTo("4096");
    }

    private static String pageSize(String url) throws SQLException {
        return setting(url, "info.PAGE_SIZE");
    }

    /**
     * The page cache is 1/32 of the heap (H2's own default, 1/16, made the Since feed's young GC pauses 18 ms on a
     * 1M-event store at -Xmx256m), within 2 MB to 64 MB; a CACHE_SIZE in the URL wins, and QUERY_CACHE_SIZE is not it.
     */
    @Test
    void thePageCacheIsAThirtySecondOfTheHeapUnlessTheUrlSetsIt(@TempDir Path dir) throws Exception {
        assertThat(StoreFactory.h2CacheKb(256L << 20)).isEqualTo(8 * 1024);
        assertThat(StoreFactory.h2CacheKb(32L << 20)).isEqualTo(2 * 1024);
        assertThat(StoreFactory.h2CacheKb(8L << 30)).isEqualTo(64 * 1024);
        String base = "jdbc:h2:file:" + dir.resolve("g").toAbsolutePath();
        long expectedMb = StoreFactory.h2CacheKb(Runtime.getRuntime().maxMemory()) / 1024;
        assertThat(setting(StoreFactory.durableUrl(base), "info.CACHE_MAX_SIZE")).isEqualTo(String.valueOf(expectedMb));
        assertThat(setting(StoreFactory.durableUrl(base + "-own;CACHE_SIZE=3072"), "info.CACHE_MAX_SIZE")).isEqualTo("3");
        assertThat(StoreFactory.durableUrl(base + ";QUERY_CACHE_SIZE=8")).contains(";CACHE_SIZE=");
    }

    private static String setting(String url, String name) throws SQLException {
        try (Connection c = open(url); PreparedStatement ps = c.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(name).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** A store written with compressed pages (the default) opens, reads and takes new rows with compression turned off. */
    @Test
    void aStoreWrittenWithCompressedPagesStaysReadable(@TempDir Path dir) throws Exception {
        String base = "jdbc:h2:file:" + dir.resolve("g").toAbsolutePath();
        try (Connection c = open(base + ";WRITE_DELAY=0;PAGE_SIZE=4096;COMPRESS=TRUE"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(400))");
            insert(c, 0, 2_000);
            s.execute("SHUTDOWN");
        }
        try (Connection c = open(StoreFactory.durableUrl(base + ";COMPRESS=FALSE"))) {
            insert(c, 2_000, 4_000);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(LENGTH(v)) FROM t WHERE v LIKE 'row %'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(4_000);
                assertThat(rs.getLong(2)).isEqualTo(4_000L * 304);
            }
        }
    }

    private static Connection open(String url) throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return ds.getConnection();
    }

    private static void insert(Connection c, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                ps.setInt(1, i);
                ps.setString(2, "row " + "x".repeat(300));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
