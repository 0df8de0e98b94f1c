package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.ingest.auth.TokenCheck;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.StoreSnapshot;
import dev.incidentgateway.security.TokenDigest;
import dev.incidentgateway.timeline.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway-managed webhook tokens as the bearer authenticators see them: each source's token digest, held in
 * memory ({@link StoreSnapshot}) and read again from the store every {@link #REFRESH}, at once after the control
 * channel ran a command, and after a token that did not match, so a rotated token works at its first use (and the old
 * one stops within seconds) without a restart, while a request with a current token never waits on the database. When
 * a reload fails the last snapshot stays in force.
 *
 * <p>{@code GATEWAY_WEBHOOK_TOKEN}, when set, is the shared token of earlier versions: every source with a
 * managed token accepts it as well as its own.
 */
public final class WebhookTokenSnapshot implements AutoCloseable {
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(WebhookTokenSnapshot.class);
    /** Compared against when a source has no token, so the time taken does not tell whether it has one. */
    private static final byte[] NONE = new byte[32];

    /** Reads every source's current digest. */
    @FunctionalInterface
    interface Loader {
        Map<String, byte[]> load() throws SQLException;
    }

    private final byte[] sharedDigest;
    private final StoreSnapshot<Map<String, byte[]>> digests;

    /**
     * @param sharedToken {@code GATEWAY_WEBHOOK_TOKEN}; blank when unset
     * @throws SQLException when the first load fails (the gateway cannot start without it)
     */
    WebhookTokenSnapshot(Loader loader, String sharedToken) throws SQLException {
        this.sharedDigest = sharedToken == null || sharedToken.isBlank() ? null : TokenDigest.sha256(sharedToken.strip());
        this.digests = new StoreSnapshot<>("the webhook tokens", () -> Map.copyOf(loader.load()), Map.copyOf(loader.load()),
                REFRESH, () -> { }, "webhook-token-refresh");
    }

    /**
     * At gateway start: refuses a plain-text token in {@code gateway_secrets} ({@link WebhookTokenStore#refuseLegacyToken};
     * the one of earlier versions was adopted by the upgrade), loads the tokens and keeps reloading them until {@link #close}.
     *
     * @param sharedToken {@code GATEWAY_WEBHOOK_TOKEN}; blank when unset
     */
    public static WebhookTokenSnapshot open(DataSource dataSource, CredentialRowMacs rowMacs,
                                            String sharedToken) {
        WebhookTokenStore store = new WebhookTokenStore(dataSource, rowMacs);
        WebhookTokenSnapshot snapshot;
        try {
            store.refuseLegacyToken();
            snapshot = new WebhookTokenSnapshot(store::digests, sharedToken);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read the webhook tokens from the store", e);
        }
        return snapshot;
    }

    /** Reads the tokens again now (after the control channel ran a command); waits for that at most {@code wait}. */
    public boolean refreshNow(Duration wait) {
        return digests.reloadNow(wait);
    }

    /** The check the bearer authenticator of {@code source} uses: its own token, or the shared one when set. */
    public TokenCheck forSource(String source) {
        return new TokenCheck() {
            @Override
            public boolean accepts(byte[] presented) {
                return WebhookTokenSnapshot.this.accepts(source, presented);
            }

            @Override
            public boolean acceptsFromMemory(byte[] presented) {
                return WebhookTokenSnapshot.this.accepts(digests.current(), source, presented);
            }
        };
    }

    private boolean accepts(String source, byte[] presented) {
        Map<String, byte[]> current = digests.current();
        if (accepts(current, source, presented)) {
            return true;
        }
        Map<String, byte[]> reloaded = digests.afterMiss(); // a token rotated a moment ago by another process
        return reloaded != current && accepts(reloaded, source, presented);
    }

    private boolean accepts(Map<String, byte[]> digests, String source, byte[] presented) {
        byte[] own = digests.get(source);
        boolean ok = MessageDigest.isEqual(own == null ? NONE : own, presented) & own != null;
        if (sharedDigest != null) {
            ok |= MessageDigest.isEqual(sharedDigest, presented); // | not ||: both comparisons always run
        }
        return ok;
    }

    /** Whether {@code GATEWAY_WEBHOOK_TOKEN} is set (every managed source accepts it). */
    public boolean sharedTokenSet() {
        return sharedDigest != null;
    }

    /** The sources that have a token of their own in the current snapshot. */
    public Set<String> issued() {
        return digests.current().keySet();
    }

    @Override
    public void close() {
        digests.close();
    }
}
