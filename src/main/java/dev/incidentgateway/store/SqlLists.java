package dev.incidentgateway.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parameter lists of statements that name a variable number of keys ({@code IN (?,?,…)}, a {@code VALUES} row per key),
 * padded to the next power of two by repeating the last key. The writer names every key of a group in one statement,
 * and groups have any size from 1 to hundreds: without padding each size is a new SQL text that the database parses
 * and plans again (H2 spent a tenth of the single writer's time preparing such statements, issue 13). With padding
 * there are at most ten texts per statement, which H2's and PgJDBC's statement caches keep. A repeated key changes no
 * result: the callers collect rows into maps.
 */
public final class SqlLists {
    private SqlLists() {
    }

    /** The padded length for {@code n} keys: the smallest power of two that is at least {@code n} (n ≥ 1). */
    public static int paddedSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("no keys to pad: " + n);
        }
        return n == 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** {@code values} followed by copies of its last element up to {@link #paddedSize}. */
    public static <T> List<T> padded(List<T> values) {
        return padded(values, values.get(values.size() - 1));
    }

    /**
     * {@code values} followed by copies of {@code filler} up to {@link #paddedSize}: for a join, where a repeated key
     * would return its row twice, a filler that matches nothing.
     */
    public static <T> List<T> padded(List<T> values, T filler) {
        int size = paddedSize(values.size());
        if (size == values.size()) {
            return values;
        }
        List<T> out = new ArrayList<>(size);
        out.addAll(values);
        out.addAll(Collections.nCopies(size - values.size(), filler));
        return out;
    }

    /** {@code n} placeholders separated by commas. */
    public static String marks(int n) {
        return rows(n, "?");
    }

    /** {@code n} copies of {@code row} separated by commas, e.g. the rows {@code (?,?,?)} of a {@code VALUES} list. */
    public static String rows(int n, String row) {
        return String.join(",", Collections.nCopies(n, row));
    }
}
