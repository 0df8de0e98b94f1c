package dev.incidentgateway.audit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The store's record of each {@code chain-key rotate}: rows {@code chain-key-epoch-NNNN} of {@code gateway_secrets} holding
 * the retired key's fingerprint and its last event ({@code -}: none). Never the key. It is a copy for comparison only: the
 * boundary that counts is the one in the keys directory ({@link RetiredChainKeys}), which a database writer cannot move;
 * {@code verify} reports every difference between the two.
 */
public final class ChainKeyEpochRecords {
    static final String PREFIX = "chain-key-epoch-";

    /** One rotation as the store recorded it, {@code number} 1 for the first. */
    public record Recorded(int number, String fingerprint, String lastEventId) {
    }

    private ChainKeyEpochRecords() {
    }

    /** The recorded rotations, in order. */
    public static List<Recorded> read(DataSource store) throws SQLException {
        try (Connection c = store.getConnection()) {
            return readIn(c);
        }
    }

    /** As {@link #read(DataSource)}, on the caller's connection (in its transaction). */
    static List<Recorded> readIn(Connection c) throws SQLException {
        List<Recorded> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, secret FROM gateway_secrets WHERE name LIKE ? ORDER BY name")) {
            ps.setString(1, PREFIX + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] parts = rs.getString(2).trim().split(" ");
                    int number = Integer.parseInt(rs.getString(1).trim().substring(PREFIX.length()));
                    out.add(new Recorded(number, parts[0], parts.length < 2 || "-".equals(parts[1]) ? null : parts[1]));
                }
            }
        }
        return out;
    }

    /** Records the rotation that retires the key of {@code fingerprint} after {@code lastEventId}, in the caller's transaction. */
    static void insert(Connection c, int number, String fingerprint, String lastEventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, PREFIX + String.format(Locale.ROOT, "%04d", number));
            ps.setString(2, fingerprint + " " + (lastEventId == null ? "-" : lastEventId));
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** The recorded boundary of the key {@code fingerprint}, if the store recorded its retirement. */
    static Optional<Recorded> of(List<Recorded> recorded, String fingerprint) {
        return recorded.stream().filter(r -> ChainKey.sameHash(r.fingerprint(), fingerprint)).findFirst();
    }

    /**
     * Fingerprints the store recorded as retired that {@code file} has no key for: the events of those epochs cannot be
     * checked at all (a usage problem: the file must be restored, exit 2).
     */
    public static List<String> missingKeys(List<Recorded> recorded, List<ChainKeyEpochs.Retired> file) {
        return recorded.stream().map(Recorded::fingerprint)
                .filter(fp -> file.stream().noneMatch(r -> ChainKey.sameHash(r.fingerprint(), fp))).toList();
    }

    /** Every difference between the file's epochs and the store's record, in rotation order (the file's boundaries count). */
    public static List<String> mismatches(List<Recorded> recorded, List<ChainKeyEpochs.Retired> file, String fileName) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(recorded.size(), file.size()); i++) {
            Recorded db = i < recorded.size() ? recorded.get(i) : null;
            ChainKeyEpochs.Retired pinned = i < file.size() ? file.get(i) : null;
            String which = "chain key rotation " + (i + 1);
            if (db == null) {
                out.add(which + ": " + fileName + " holds a retired key (fingerprint " + abbreviated(pinned.fingerprint())
                        + ") that the store has no record of (the store's record in gateway_secrets was removed)");
            } else if (pinned == null) {
                out.add(which + ": the store records a retired key (fingerprint " + abbreviated(db.fingerprint()) + ") that "
                        + fileName + " does not hold");
            } else if (!ChainKey.sameHash(db.fingerprint(), pinned.fingerprint())) {
                out.add(which + ": the store records the key " + abbreviated(db.fingerprint()) + ", " + fileName + " the key "
                        + abbreviated(pinned.fingerprint()));
            } else if (!java.util.Objects.equals(db.lastEventId(), pinned.lastEventId())) {
                out.add(which + ": the store records its boundary at event " + db.lastEventId() + ", " + fileName + " at event "
                        + pinned.lastEventId() + " (a boundary was moved; the file's is the one verified with)");
            }
        }
        return out;
    }

    private static String abbreviated(String fingerprint) {
        return fingerprint.substring(0, Math.min(12, fingerprint.length())) + "…";
    }
}
