package dev.incidentgateway.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every value of every row of a table, as text: for asserting that a secret appears nowhere in it; and the one cell a
 * query answers, and the one row a statement changes, for tests that edit the store behind the gateway's back.
 */
public final class TableCells {
    private TableCells() {
    }

    /** @param table a table name written by the test itself (not bound: identifiers cannot be parameters) */
    public static List<String> of(DataSource ds, String table) throws SQLException {
        List<String> cells = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    cells.add(String.valueOf(rs.getObject(i)));
                }
            }
        }
        return cells;
    }

    /** The first column of the first row {@code sql} answers; fails the test when there is none. */
    public static String cell(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            org.assertj.core.api.Assertions.assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    /** Runs {@code sql} with {@code params}; fails the test unless it changed exactly one row. */
    public static void updateOne(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            org.assertj.core.api.Assertions.assertThat(ps.executeUpdate()).as(sql).isEqualTo(1);
        }
    }
}
