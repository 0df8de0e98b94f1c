package dev.incidentgateway.store;

import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;

class H2FileMaintenanceTest {
    private static final int BATCHES = 30;
    private static final int ROWS_PER_BATCH = 300;

    /**
     * The same workload (a commit per row, as WRITE_DELAY=0 writes them) on two files, maintained between batches
     * or not. RETENTION_TIME=0 here so that freed space is reusable at once and the test need not wait out the
     * gateway's 5 s retention: what is checked is that the maintenance lets that space be reused.
     */
    @Test
    void commitsPerRowReuseTheFileInsteadOfGrowingItByAChunkEach(@TempDir Path dir) throws Exception {
        long unmaintained = grow(dir.resolve("plain"), false);
        long maintained = grow(dir.resolve("maintained"), true);
        assertThat(maintained).as("maintained file vs %d unmaintained", unmaintained).isLessThan(unmaintained / 2);
    }

    private static long grow(Path base, boolean maintain) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(StoreFactory.durableUrl("jdbc:h2:file:" + base.toAbsolutePath() + ";RETENTION_TIME=0"));
        try (Connection c = ds.getConnection()) {
            MVStore mv = H2FileMaintenance.mvStore(ds).orElseThrow();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(400))");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                for (int b = 0; b < BATCHES; b++) {
                    for (int i = 0; i < ROWS_PER_BATCH; i++) {
                        ps.setInt(1, b * ROWS_PER_BATCH + i);
                        ps.setString(2, "x".repeat(300));
                        ps.executeUpdate();
                    }
                    if (maintain) {
                        assertThat(H2FileMaintenance.runOnce(mv)).isTrue();
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).as("every row is still there").isEqualTo(BATCHES * ROWS_PER_BATCH);
            }
            return Files.size(Path.of(base + ".mv.db"));
        }
    }

    /**
     * H2 frees dead chunks in the order they died and stops at the first one younger than the retention time. Small
     * commits make a chunk die within a commit or two, so an old chunk that dies (here: its map is cleared; in the
     * gateway: its last live pages were rewritten) waits behind them for a whole retention time although H2 would free
     * it at once (under load that was a fifth to a third of the running file). The maintenance puts it first.
     */
    @Test
    void aDeadChunkOlderThanTheRetentionTimeIsNotKeptBehindYoungerDeadOnes(@TempDir Path dir) throws Exception {
        int retentionMs = 1500;
        MVStore mv = new MVStore.Builder().fileName(dir.resolve("queue.mv.db").toString()).autoCommitDisabled().open();
        try {
            mv.setRetentionTime(retentionMs);
            mv.setVersionsToKeep(0); // as in H2's database: a dead chunk may go once no reader uses its version
            MVMap<Integer, String> old = mv.openMap("old");
            MVMap<Integer, String> hot = mv.openMap("hot");
            hot.put(0, "h");
            mv.commit();
            for (int i = 0; i < 200; i++) {
                old.put(i, "o".repeat(200));
            }
            mv.commit();
            hot.put(0, "g");
            mv.commit(); // the layout map gets the previous chunk's entry with this write
            String oldChunk = newestChunkKey(mv);
            Thread.sleep(retentionMs + 300); // the old chunk may be freed from now on once dead
            for (int i = 0; i < 5; i++) { // young chunks, each dead once the next is written
                hot.put(0, "h" + i);
                mv.commit();
            }
            old.clear();
            mv.commit();
            hot.put(0, "x");
            mv.commit();
            hot.put(0, "y");
            mv.commit();
            assertThat(H2FileMaintenance.runOnce(mv)).isTrue();
            hot.put(0, "z");
            mv.commit(); // H2 frees what it may at the start of a write
            assertThat(mv.getLayoutMap()).as("the old dead chunk is freed").doesNotContainKey(oldChunk);
        } finally {
            mv.close();
        }
    }

    private static String newestChunkKey(MVStore mv) {
        return mv.getLayoutMap().keySet().stream().filter(k -> k.startsWith("chunk."))
                .max(Comparator.comparingInt(k -> Integer.parseInt(k.substring("chunk.".length()), 16))).orElseThrow();
    }

    /**
     * The gateway's URL shortens H2's retention time (45 s by default), so that a dead chunk's space is reused 5 s after
     * the chunk was written instead of 45 s (the running file held 45 s of writes); a setting in the URL still wins.
     */
    @Test
    void theGatewayUrlShortensH2sRetentionTimeUnlessTheUrlSetsItAndOtherStoresAreLeftAlone(@TempDir Path dir) throws Exception {
        assertThat(retentionTime(StoreFactory.durableUrl("jdbc:h2:file:" + dir.resolve("default").toAbsolutePath())))
                .isEqualTo(5_000);
        assertThat(retentionTime(StoreFactory.durableUrl("jdbc:h2:file:" + dir.resolve("own").toAbsolutePath() + ";retention_time=45000")))
                .isEqualTo(45_000);
        JdbcDataSource mem = new JdbcDataSource();
        mem.setURL("jdbc:h2:mem:maintenance-" + System.nanoTime());
        try (Connection keepOpen = mem.getConnection()) {
            assertThat(H2FileMaintenance.mvStore(mem)).isEmpty();
        }
    }

    /** The retention time H2 uses for a store opened with {@code url}. */
    private static int retentionTime(String url) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        try (Connection keepOpen = ds.getConnection()) {
            return H2FileMaintenance.mvStore(ds).orElseThrow().getFileStore().getRetentionTime();
        }
    }
}
