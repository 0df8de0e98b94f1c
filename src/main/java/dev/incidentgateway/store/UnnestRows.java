package dev.incidentgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * PostgreSQL: the rows of a group as one statement, {@code … SELECT * FROM unnest(?::text[], ?::bigint[], …)}, one array
 * parameter per column. A JDBC batch costs one statement per power of two in the group's size (PgJDBC's
 * reWriteBatchedInserts splits 23 rows into 16 + 4 + 2 + 1), each ≈ 30–40 µs on the server; a {@code VALUES} list of
 * exactly n rows would be a new SQL text per size. This is one text for every size, so one cached server-side plan.
 * Each column is bound as a {@code text[]} of the values' text forms and cast to its SQL type in the statement; a
 * {@code null} value is a NULL element. {@code unnest} returns the rows in array order, so they are inserted in list order.
 *
 * @param <T> the row object
 */
public final class UnnestRows<T> {
    /** One column: its SQL element type (for the cast) and its value's text form ({@code null}: SQL NULL). */
    public record Column<T>(String sqlType, Function<T, String> text) {
    }

    private final List<Column<T>> columns;
    private final String select;

    public UnnestRows(List<Column<T>> columns) {
        this.columns = List.copyOf(columns);
        this.select = columns.stream().map(c -> "?::" + c.sqlType() + "[]")
                .collect(Collectors.joining(", ", "SELECT * FROM unnest(", ")"));
    }

    /** {@code SELECT * FROM unnest(…)} with one array parameter per column, in column order. */
    public String select() {
        return select;
    }

    /** Runs {@code sql}, a statement around {@link #select()}, with {@code rows}; the number of rows it changed. */
    public int execute(Connection connection, String sql, List<T> rows) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(connection, ps, rows);
            return ps.executeUpdate();
        }
    }

    /** Binds {@code rows} as the column arrays, parameters 1 to the number of columns. */
    public void bind(Connection connection, PreparedStatement ps, List<T> rows) throws SQLException {
        bind(connection, ps, rows, 1);
    }

    /**
     * Binds {@code rows} as the column arrays from parameter {@code first} on (a statement of several).
     *
     * @return the next parameter's index
     */
    public int bind(Connection connection, PreparedStatement ps, List<T> rows, int first) throws SQLException {
        for (int c = 0; c < columns.size(); c++) {
            Function<T, String> text = columns.get(c).text();
            String[] values = new String[rows.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = text.apply(rows.get(r));
            }
            ps.setArray(first + c, connection.createArrayOf("text", values));
        }
        return first + columns.size();
    }
}
