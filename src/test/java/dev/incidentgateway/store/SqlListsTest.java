package dev.incidentgateway.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlListsTest {
    @Test
    void sizesArePowersOfTwoAtLeastTheKeyCount() {
        assertThat(IntStream.rangeClosed(1, 9).map(SqlLists::paddedSize).toArray()).containsExactly(1, 2, 4, 4, 8, 8, 8, 8, 16);
        assertThat(SqlLists.paddedSize(256)).isEqualTo(256);
        assertThat(SqlLists.paddedSize(257)).isEqualTo(512);
        // a group of any size up to 1,000 keys needs at most 11 statement texts
        assertThat(IntStream.rangeClosed(1, 1000).map(SqlLists::paddedSize).distinct().count()).isEqualTo(11);
        assertThatThrownBy(() -> SqlLists.paddedSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paddingRepeatsTheLastKeyAndKeepsTheOrder() {
        assertThat(SqlLists.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c");
        assertThat(SqlLists.padded(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(SqlLists.padded(List.of("a", "b", "c", "d", "e"))).containsExactly("a", "b", "c", "d", "e", "e", "e", "e");
        assertThat(SqlLists.marks(3)).isEqualTo("?,?,?");
    }
}
