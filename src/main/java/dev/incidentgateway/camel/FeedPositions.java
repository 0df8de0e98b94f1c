package dev.incidentgateway.camel;

import dev.incidentgateway.timeline.StoreUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The stored positions of {@code timeline:events} consumers (table {@code feed_positions}): per consumer name, the
 * id of the last event its route completed. Plain portable SQL (no dialect upsert): a row is inserted once when
 * the consumer first starts, then only moved forward.
 */
final class FeedPositions {
    /** A consumer's stored row: {@code lastEventId} empty = from the start of the feed. */
    record Position(Optional<String> lastEventId) {
    }

    private final DataSource dataSource;

    FeedPositions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The consumer's stored position, if it has a row. */
    Optional<Position> find(String consumer) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_event_id FROM feed_positions WHERE consumer = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Position(Optional.ofNullable(rs.getString(1)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read the position of feed consumer " + consumer, e);
        }
    }

    /**
     * The consumer's position, creating its row at {@code initial} the first time. A row another instance inserted
     * meanwhile wins (the insert fails on the primary key and the row is read again).
     */
    Position findOrCreate(String consumer, String initial) {
        Optional<Position> found = find(consumer);
        if (found.isPresent()) {
            return found.get();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO feed_positions (consumer, last_event_id, updated_at) VALUES (?, ?, ?)")) {
            ps.setString(1, consumer);
            ps.setString(2, initial);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            return new Position(Optional.ofNullable(initial));
        } catch (SQLException e) {
            return find(consumer).orElseThrow(() ->
                    new StoreUnavailableException("could not store the position of feed consumer " + consumer, e));
        }
    }

    /** Moves the consumer's position forward to {@code eventId}; never backwards. */
    void advance(String consumer, String eventId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE feed_positions SET last_event_id = ?, updated_at = ?"
                     + " WHERE consumer = ? AND (last_event_id IS NULL OR last_event_id < ?)")) {
            ps.setString(1, eventId);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, consumer);
            ps.setString(4, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not advance the position of feed consumer " + consumer, e);
        }
    }

    /** The largest event id stored, or empty for an empty timeline ({@code from=now}). */
    Optional<String> latestEventId() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM timeline_events");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read the end of the timeline", e);
        }
    }
}
