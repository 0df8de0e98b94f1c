package dev.incidentgateway.store;

import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class H2DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void theDirectoryOfFileUrlsOnly() {
        assertThat(H2DataDirectory.of("jdbc:h2:file:./data/gateway").orElseThrow().directory())
                .isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(H2DataDirectory.of("jdbc:h2:/srv/gw/store;MODE=PostgreSQL").orElseThrow().directory()).isEqualTo(Path.of("/srv/gw"));
        assertThat(H2DataDirectory.of("jdbc:h2:~/gw/store").orElseThrow().directory())
                .isEqualTo(Path.of(System.getProperty("user.home"), "gw"));
        assertThat(H2DataDirectory.of("jdbc:h2:mem:test")).isEmpty();
        assertThat(H2DataDirectory.of("jdbc:h2:tcp://db/x")).isEmpty();
        assertThat(H2DataDirectory.of("jdbc:postgresql://db/x")).isEmpty();
    }

    @Test
    void aStoreDirectoryThatCannotBeCreatedIsAStartFailureNamingIt() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x"); // fails for root too, unlike permissions
        H2DataDirectory store = H2DataDirectory.of("jdbc:h2:file:" + file.resolve("data/gateway")).orElseThrow();
        assertThatThrownBy(store::prepare).isInstanceOf(StoreStartException.class)
                .hasMessageStartingWith("cannot create the store directory " + file.resolve("data"))
                .hasMessageContaining(file.toString());
    }

    @Test
    void createsThePrivateDirectoryAndNarrowsTheFilesInIt() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path dir = tmp.resolve("a/data");
        H2DataDirectory store = H2DataDirectory.of("jdbc:h2:file:" + dir.resolve("gateway")).orElseThrow();
        store.prepare();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        Path mv = Files.writeString(dir.resolve("gateway.mv.db"), "x");
        Path other = Files.writeString(Files.createDirectories(dir.resolve("keys")).resolve("chain.key"), "k");
        Files.setPosixFilePermissions(mv, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-rw-rw-"));
        store.restrictFiles();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mv))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rw-------");
    }

    @Test
    void anExistingSharedDirectoryIsLeftAloneButTheStoreFilesAreNarrowed() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mine = Files.writeString(shared.resolve("gateway.mv.db"), "x");
        Path theirs = Files.writeString(shared.resolve("readme.txt"), "x");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rw-r--r--"));
        H2DataDirectory store = H2DataDirectory.of("jdbc:h2:file:" + shared.resolve("gateway")).orElseThrow();
        try (CapturedLogs logs = CapturedLogs.of(H2DataDirectory.class.getName())) {
            store.prepare();
            assertThat(logs.lines(e -> true)).containsExactly("WARN The store directory " + shared
                    + " is rwxr-xr-x: other users can list it; chmod 700 it");
        }
        store.restrictFiles();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(theirs))).isEqualTo("rw-r--r--");
    }

    @Test
    void autoServerIsRecognizedAndH2UrlsGetDurableQuietSettings() {
        assertThat(StoreFactory.warnIfListening("jdbc:h2:file:./data/gateway;auto_server=true")).isTrue();
        assertThat(StoreFactory.warnIfListening("jdbc:h2:file:./data/gateway")).isFalse();
        String cache = ";CACHE_SIZE=" + StoreFactory.h2CacheKb(Runtime.getRuntime().maxMemory());
        assertThat(StoreFactory.durableUrl("jdbc:h2:file:./x"))
                .isEqualTo("jdbc:h2:file:./x;WRITE_DELAY=0;PAGE_SIZE=4096;COMPRESS=TRUE;QUERY_CACHE_SIZE=64" + cache
                        + ";RETENTION_TIME=5000;TRACE_LEVEL_FILE=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(StoreFactory.durableUrl("jdbc:h2:file:./x;TRACE_LEVEL_FILE=1"))
                .isEqualTo("jdbc:h2:file:./x;TRACE_LEVEL_FILE=1;WRITE_DELAY=0;PAGE_SIZE=4096;COMPRESS=TRUE;QUERY_CACHE_SIZE=64" + cache
                        + ";RETENTION_TIME=5000;DB_CLOSE_ON_EXIT=FALSE");
        // H2 refuses DB_CLOSE_ON_EXIT=FALSE with AUTO_SERVER=TRUE
        assertThat(StoreFactory.durableUrl("jdbc:h2:file:./x;AUTO_SERVER=TRUE")).doesNotContain("DB_CLOSE_ON_EXIT");
        assertThat(StoreFactory.durableUrl("jdbc:postgresql://db/x")).isEqualTo("jdbc:postgresql://db/x");
    }
}
