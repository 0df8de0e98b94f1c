package dev.incidentgateway.audit;

import dev.incidentgateway.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retired chain keys file and the choice of each event's key by its position (chain-key rotate). */
class RetiredChainKeysTest {
    private final ChainKey first = ChainKey.generate();
    private final ChainKey second = ChainKey.generate();
    private final ChainKey current = ChainKey.generate();

    @Test
    void eachEventIsCheckedWithTheKeyOfItsEpoch() {
        ChainKeyEpochs keys = ChainKeyEpochs.of(List.of(retired(first, "01B"), retired(second, "01D")), current);
        assertThat(keys.keyFor("01A")).isSameAs(first);
        assertThat(keys.keyFor("01B")).as("the boundary is the old key's last event").isSameAs(first);
        assertThat(keys.keyFor("01C")).isSameAs(second);
        assertThat(keys.keyFor("01E")).isSameAs(current);
        assertThat(ChainKeyEpochs.of(List.of(retired(first, null)), current).keyFor("01A"))
                .as("a key retired on an empty log covers no event").isSameAs(current);
    }

    @Test
    void theFileIsOwnerOnlyKeepsTheRotationOrderAndTakesAKeyOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(RetiredChainKeys.FILE);
        RetiredChainKeys.append(file, retired(first, "01B"));
        RetiredChainKeys.append(file, retired(second, null));
        RetiredChainKeys.append(file, retired(first, "01B")); // a rotation finished again
        List<ChainKeyEpochs.Retired> read = RetiredChainKeys.read(file);
        assertThat(read).extracting(ChainKeyEpochs.Retired::fingerprint).containsExactly(first.fingerprint(), second.fingerprint());
        assertThat(read).extracting(ChainKeyEpochs.Retired::lastEventId).containsExactly("01B", null);
        assertThat(read.get(0).key().fingerprint()).isEqualTo(first.fingerprint());
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(RetiredChainKeys.read(dir.resolve("none"))).isEmpty();
    }

    @Test
    void aLineWhoseKeyIsNotItsFingerprintsIsRefusedNamingTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(RetiredChainKeys.FILE);
        Files.writeString(file, first.fingerprint() + " 01B " + second.encoded() + "\n");
        assertThatThrownBy(() -> RetiredChainKeys.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 1").hasMessageNotContaining(second.encoded());
    }

    @Test
    void theStoresRecordIsComparedWithTheFile() {
        List<ChainKeyEpochs.Retired> file = List.of(retired(first, "01B"), retired(second, "01D"));
        List<ChainKeyEpochRecords.Recorded> same = List.of(new ChainKeyEpochRecords.Recorded(1, first.fingerprint(), "01B"),
                new ChainKeyEpochRecords.Recorded(2, second.fingerprint(), "01D"));
        assertThat(ChainKeyEpochRecords.mismatches(same, file, "F")).isEmpty();
        List<ChainKeyEpochRecords.Recorded> moved = List.of(same.get(0), new ChainKeyEpochRecords.Recorded(2, second.fingerprint(), "01Z"));
        assertThat(ChainKeyEpochRecords.mismatches(moved, file, "F")).singleElement().asString()
                .contains("rotation 2", "boundary at event 01Z", "F at event 01D");
        assertThat(ChainKeyEpochRecords.mismatches(same.subList(0, 1), file, "F")).singleElement().asString()
                .contains("the store has no record of");
        assertThat(ChainKeyEpochRecords.missingKeys(same, file.subList(0, 1))).containsExactly(second.fingerprint());
    }

    private static ChainKeyEpochs.Retired retired(ChainKey key, String lastEventId) {
        return new ChainKeyEpochs.Retired(key.fingerprint(), lastEventId, key);
    }
}
