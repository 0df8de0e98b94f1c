package dev.incidentgateway.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Every value of every row of a table, as text: for asserting that a secret appears nowhere in it. */
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
}
