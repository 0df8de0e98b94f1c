package dev.incidentgateway.ingest;

import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.TokenDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway-managed webhook tokens, one per source, in {@code webhook_tokens}: only each token's SHA-256 is
 * stored ({@link TokenDigest}); the token itself exists only in the output of {@link #rotate}. Each row carries a MAC
 * ({@link CredentialRowMacs}) over source, hash and time: a row whose MAC does not verify opens nothing.
 */
public final class WebhookTokenStore {
    /** Tokens read {@code igw_wh_<source>_<43 base64url characters>}: recognizable to people and secret scanners. */
    public static final String TOKEN_PREFIX = "igw_wh_";
    /** The plain-text token of versions before per-source tokens, in {@code gateway_secrets}. */
    public static final String LEGACY_SECRET_NAME = "webhook-token";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookTokenStore.class);

    private final DataSource dataSource;
    private final CredentialRowMacs macs;
    /** Sources whose refused row was logged already: once per source and process, not at every reload. */
    private final Set<String> refusalLogged = ConcurrentHashMap.newKeySet();

    /** A row as stored. */
    private record Row(String source, String tokenHash, Instant createdAt, String mac) {
    }

    public WebhookTokenStore(DataSource dataSource, CredentialRowMacs macs) {
        this.dataSource = dataSource;
        this.macs = macs;
    }

    /** A new token for {@code source}: 256 random bits ({@link TokenDigest#generate}) behind the recognizable prefix. */
    static String newToken(String source) {
        return TokenDigest.generate(TOKEN_PREFIX + source + "_");
    }

    /**
     * Issues a new token for {@code source}, replacing its previous one (which stops working as soon as the
     * gateways reload), and returns it: the only time it is ever seen.
     */
    public String rotate(String source) throws SQLException {
        String token = newToken(source);
        String hash = TokenDigest.sha256Hex(token);
        try (Connection c = dataSource.getConnection()) {
            if (update(c, source, hash) == 0) {
                try {
                    insert(c, source, hash);
                } catch (SQLException e) {
                    if (!isDuplicate(e) || update(c, source, hash) == 0) { // a concurrent rotate inserted first: replace it
                        throw e;
                    }
                }
            }
        }
        return token;
    }

    /**
     * SHA-256 digests of the issued tokens whose rows verify, by source. A row that does not verify is left out (its
     * source refuses every request, 401) and logged once as an ERROR naming the source.
     */
    public Map<String, byte[]> digests() throws SQLException {
        Map<String, byte[]> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        try (Connection c = dataSource.getConnection()) {
            for (Row row : rows(c, "")) {
                Optional<String> problem = problem(row);
                if (problem.isEmpty()) {
                    out.put(row.source(), hex.parseHex(row.tokenHash()));
                } else if (refusalLogged.add(row.source())) {
                    LOG.error("The webhook token of source '{}' is refused: its row in webhook_tokens {}. The source refuses "
                            + "every request (401) until its token is rotated (webhook-token --source {} --rotate)",
                            row.source(), problem.get(), row.source());
                }
            }
        }
        return out;
    }

    /** Why each row that does not verify is refused, by source (for {@code verify}). */
    public Map<String, String> rowProblems() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            for (Row row : rows(c, "")) {
                problem(row).ifPresent(p -> out.put(row.source(), p));
            }
        }
        return out;
    }

    /** Writes the MAC of every row that has none (rows from before row MACs); returns their sources. Only at that upgrade. */
    public List<String> sealUnsealed(Connection c) throws SQLException {
        return CredentialRowMacs.sealUnsealed(c, CredentialRowMacs.Table.WEBHOOK_TOKENS, WebhookTokenStore::rows, Row::source,
                this::mac);
    }

    /**
     * Seals every row whose MAC verifies anew with {@code next} ({@code chain-key rotate}); returns the sources of the rows
     * whose MAC did not verify, left as they are.
     */
    public List<String> reseal(Connection c, CredentialRowMacs next) throws SQLException {
        WebhookTokenStore after = new WebhookTokenStore(null, next);
        return CredentialRowMacs.reseal(c, CredentialRowMacs.Table.WEBHOOK_TOKENS, WebhookTokenStore::rows, Row::source,
                this::mac, after::mac, Row::mac);
    }

    private Optional<String> problem(Row row) {
        return CredentialRowMacs.problem(mac(row), row.mac());
    }

    private String mac(Row row) {
        return macs.webhookTokenRow(row.source(), row.tokenHash(), row.createdAt());
    }

    private static List<Row> rows(Connection c, String where) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source, token_hash, created_at, row_mac FROM webhook_tokens " + where);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                OffsetDateTime created = rs.getObject(3, OffsetDateTime.class);
                out.add(new Row(rs.getString(1), rs.getString(2).trim(), created == null ? null : created.toInstant(), rs.getString(4)));
            }
        }
        return out;
    }

    /** When each source's current token was issued. */
    public Map<String, Instant> issued() throws SQLException {
        Map<String, Instant> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT source, created_at FROM webhook_tokens");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
            }
        }
        return out;
    }

    /**
     * Upgrade from the single plain-text token of earlier versions: its hash becomes the token of every source in
     * {@code sources} that has none yet (so existing senders keep working), then the plain-text copy is deleted. Only
     * in the upgrade to row MACs ({@code CredentialRowSeal}), on the connection that applies it: a plain-text token
     * found at any other time was written since by someone else, and is refused ({@link #refuseLegacyToken}).
     *
     * @return the sources that took the old token (empty when there was none)
     */
    public List<String> adoptLegacyToken(Connection c, Collection<String> sources) throws SQLException {
        List<String> adopted = new ArrayList<>();
        String legacy = legacyToken(c);
        if (legacy == null) {
            return adopted;
        }
        String hash = TokenDigest.sha256Hex(legacy);
        Set<String> existing = rows(c, "").stream().map(Row::source).collect(java.util.stream.Collectors.toSet());
        for (String source : sources) {
            if (!existing.contains(source)) {
                insert(c, source, hash);
                adopted.add(source);
            }
        }
        deleteLegacy(c);
        return adopted;
    }

    /**
     * At every start and {@code webhook-token} run: a plain-text token in {@code gateway_secrets} is never taken (the
     * one of earlier versions was adopted at the upgrade, in the process that applied it). Anyone who may insert there
     * (the runtime role) could otherwise have their own token adopted for every source. Logged as an ERROR and deleted
     * where this database user may.
     *
     * @return whether there was one
     */
    public boolean refuseLegacyToken() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (legacyToken(c) == null) {
                return false;
            }
            LOG.error("gateway_secrets holds a plain-text webhook token ('{}'): refused. The token of earlier versions was "
                    + "taken over once, when this store was upgraded to credential row MACs; one written since then did not come "
                    + "from the gateway (a database user may have put it there). Senders need their source's token "
                    + "(webhook-token --source <name> --rotate).", LEGACY_SECRET_NAME);
            deleteLegacy(c);
            return true;
        }
    }

    private static String legacyToken(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM gateway_secrets WHERE name = ?")) {
            ps.setString(1, LEGACY_SECRET_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1).strip() : null;
            }
        }
    }

    /**
     * Deletes the plain-text copy. A role that may not delete (a least-privilege runtime role) must not stop the
     * upgrade or the start: it warns, naming the statement an owner should run. Inside a transaction (the migration's)
     * the refused DELETE is undone to a savepoint, so the transaction can still commit.
     */
    private static void deleteLegacy(Connection c) throws SQLException {
        java.sql.Savepoint before = c.getAutoCommit() ? null : c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM gateway_secrets WHERE name = ?")) {
            ps.setString(1, LEGACY_SECRET_NAME);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) { // insufficient privilege
                throw e;
            }
            if (before != null) {
                c.rollback(before);
            }
            LOG.warn("The plain-text webhook token is still in gateway_secrets: this database user may not delete it. Run as "
                    + "the owner: DELETE FROM gateway_secrets WHERE name = '{}'", LEGACY_SECRET_NAME);
        }
    }

    private int update(Connection c, String source, String hash) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as the store keeps it: the MAC is over what is read back
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_tokens SET token_hash = ?, created_at = ?, row_mac = ? WHERE source = ?")) {
            ps.setString(1, hash);
            ps.setObject(2, now.atOffset(ZoneOffset.UTC));
            ps.setString(3, macs.webhookTokenRow(source, hash, now));
            ps.setString(4, source);
            return ps.executeUpdate();
        }
    }

    private void insert(Connection c, String source, String hash) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO webhook_tokens (source, token_hash, created_at, row_mac) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, source);
            ps.setString(2, hash);
            ps.setObject(3, now.atOffset(ZoneOffset.UTC));
            ps.setString(4, macs.webhookTokenRow(source, hash, now));
            ps.executeUpdate();
        }
    }

    private static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }
}
