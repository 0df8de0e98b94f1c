package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a gateway killed with SIGKILL right after a commit finds when it reopens its embedded H2 file: a copy of the file
 * taken after each commit (the bytes a killed process leaves; H2 writes a commit before {@code commit()} returns) is
 * opened as a database of its own and must hold that commit. RETENTION_TIME=0 lets H2 reuse freed chunks' space at
 * once, as it does 45 s after a start with the default: without {@link H2NewestChunkHeader} most copies reopened
 * without their last commits (H2's recovery could not reach the newest chunks from the file header).
 */
class H2CrashImageTest {
    private static final int COMMITS = 60;

    @Test
    void aCopyOfTheFileTakenAfterEachCommitReopensWithThatCommit(@TempDir Path dir) throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_DB_URL",
                "jdbc:h2:file:" + dir.resolve("gateway") + ";RETENTION_TIME=0"), Map.of());
        Path file = dir.resolve("gateway.mv.db");
        Path image = Files.createDirectory(dir.resolve("image")).resolve("copy.mv.db");
        List<String> lost = new ArrayList<>();
        try (HikariDataSource ds = StoreFactory.open(config); Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE rows_(id INT PRIMARY KEY, payload VARCHAR(2000))");
                s.execute("CREATE TABLE marker(k INT PRIMARY KEY, last INT)");
                s.execute("INSERT INTO marker VALUES (1, 0)");
            }
            c.setAutoCommit(false);
            Random random = new Random(42);
            try (PreparedStatement put = c.prepareStatement("MERGE INTO rows_ KEY(id) VALUES (?, ?)");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM rows_ WHERE id = ?");
                 PreparedStatement mark = c.prepareStatement("UPDATE marker SET last = ? WHERE k = 1")) {
                for (int commit = 1; commit <= COMMITS; commit++) {
                    // commits of varying size that free pages, so chunks die and their space is reused
                    for (int i = 1 + random.nextInt(40); i > 0; i--) {
                        int id = random.nextInt(5_000);
                        if (random.nextInt(4) == 0) {
                            delete.setInt(1, id);
                            delete.executeUpdate();
                        } else {
                            put.setInt(1, id);
                            put.setString(2, "x".repeat(50 + random.nextInt(400)));
                            put.executeUpdate();
                        }
                    }
                    mark.setInt(1, commit);
                    mark.executeUpdate();
                    c.commit();
                    Files.copy(file, image, StandardCopyOption.REPLACE_EXISTING);
                    int reopened = lastCommit(image);
                    if (reopened != commit) {
                        lost.add("commit " + commit + " reopened as " + reopened);
                    }
                }
            }
        }
        assertThat(lost).as("copies of the file that reopened without their last commit, of %d", COMMITS).isEmpty();
    }

    private static int lastCommit(Path image) throws Exception {
        String name = image.toString().substring(0, image.toString().length() - ".mv.db".length());
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + name + ";TRACE_LEVEL_FILE=0", "sa", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last FROM marker WHERE k = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
