package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code INC-<n>} numbers one group transaction reserves for the incidents it will declare: one statement for all
 * ({@link GroupLookups#prefetch}), one more when the reservation is used up; handed out in arrival order.
 */
final class IncidentNumberReservation {
    private final Connection connection;
    private final SqlDialect dialect;
    private final Deque<Long> numbers = new ArrayDeque<>();
    /** Reserved numbers under which an incident existed when they were reserved. */
    private final Set<Long> takenNumbers = new HashSet<>();

    IncidentNumberReservation(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * Reserved numbers as incident ids: those without an incident in the store when they were reserved (the caller needs
     * not read their views), and those a caller had already chosen by hand (skipped when ids are handed out).
     */
    record ReservedIds(List<String> free, List<String> taken) {
    }

    static String incidentId(long number) {
        return "INC-" + number;
    }

    /** The reserved numbers not yet handed out, as incident ids. */
    ReservedIds notHandedOut() {
        List<String> free = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        for (long n : numbers) {
            (takenNumbers.contains(n) ? taken : free).add(incidentId(n));
        }
        return new ReservedIds(free, taken);
    }

    void reserve(int n) throws SQLException {
        List<Long> got = new ArrayList<>(n);
        try (PreparedStatement ps = dialect.prepareNextIncidentNumbers(connection, n)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    got.add(rs.getLong(1));
                    if (rs.getBoolean(2)) {
                        takenNumbers.add(rs.getLong(1));
                    }
                }
            }
        }
        got.sort(null); // handed out in arrival order
        numbers.addAll(got);
    }

    /** The next reserved incident number (one more from the sequence when the reservation is used up). */
    long next() throws SQLException {
        if (numbers.isEmpty()) {
            reserve(1);
        }
        return numbers.removeFirst();
    }
}
