package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.ingest.auth.TokenCheck;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway-managed webhook tokens as the bearer authenticators see them: each source's token digest, held in
 * memory and reloaded from the store every {@link #REFRESH}, so a rotated token works (and the old one stops)
 * within seconds without a restart, while no request waits on the database to be authenticated. When a reload
 * fails the last snapshot stays in force.
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

    private final Loader loader;
    private final byte[] sharedDigest;
    private volatile Map<String, byte[]> digests;
    private ScheduledExecutorService refresher;
    private boolean failing; // touched by the refresher thread only

    /**
     * @param sharedToken {@code GATEWAY_WEBHOOK_TOKEN}; blank when unset
     * @throws SQLException when the first load fails (the gateway cannot start without it)
     */
    WebhookTokenSnapshot(Loader loader, String sharedToken) throws SQLException {
        this.loader = loader;
        this.sharedDigest = sharedToken == null || sharedToken.isBlank() ? null : TokenDigest.sha256(sharedToken.strip());
        this.digests = Map.copyOf(loader.load());
    }

    /**
     * At gateway start: adopts the plain-text token of earlier versions ({@link WebhookTokenStore#adoptLegacyToken}),
     * loads the tokens and keeps reloading them until {@link #close}.
     *
     * @param descriptors every connector descriptor, for {@link GatewayTokenSources}
     * @param sharedToken {@code GATEWAY_WEBHOOK_TOKEN}; blank when unset
     */
    public static WebhookTokenSnapshot open(DataSource dataSource, Map<String, JsonNode> descriptors, String sharedToken) {
        WebhookTokenStore store = new WebhookTokenStore(dataSource);
        WebhookTokenSnapshot snapshot;
        try {
            List<String> adopted = store.adoptLegacyToken(GatewayTokenSources.of(descriptors));
            if (!adopted.isEmpty()) {
                LOG.info("Upgraded the webhook token of earlier versions: webhook sources {} keep accepting it, now stored "
                        + "hashed; its plain-text copy is deleted. Give each source a token of its own with: java -jar "
                        + "incident-gateway.jar webhook-token --source <name> --rotate", adopted);
            }
            snapshot = new WebhookTokenSnapshot(store::digests, sharedToken);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read the webhook tokens from the store", e);
        }
        snapshot.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-token-refresh");
            t.setDaemon(true);
            return t;
        });
        snapshot.refresher.scheduleWithFixedDelay(snapshot::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return snapshot;
    }

    /** Reloads the digests; on failure keeps the previous ones and warns once until a reload succeeds. */
    void refresh() {
        try {
            digests = Map.copyOf(loader.load());
            if (failing) {
                LOG.info("Webhook tokens are read from the store again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                LOG.warn("Cannot reload the webhook tokens from the store ({}); the last ones loaded stay in force", e.toString());
                failing = true;
            }
        }
    }

    /** The check the bearer authenticator of {@code source} uses: its own token, or the shared one when set. */
    public TokenCheck forSource(String source) {
        return presented -> accepts(source, presented);
    }

    private boolean accepts(String source, byte[] presented) {
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
        return digests.keySet();
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
