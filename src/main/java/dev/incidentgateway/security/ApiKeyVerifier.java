package dev.incidentgateway.security;

import dev.incidentgateway.timeline.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Verifies API keys from an in-memory snapshot of the unrevoked keys, so a request never waits on the
 * database to authenticate. A background thread reloads the snapshot every {@code refresh} (keys created or
 * revoked by {@code api-key} take effect within that time, without a restart) and writes {@code last_used_at}
 * at most once per {@code touchEvery} per key.
 */
public final class ApiKeyVerifier implements CredentialVerifier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyVerifier.class);

    private final ApiKeyStore store;
    private final Clock clock;
    private final Duration touchEvery;
    private final ScheduledExecutorService refresher;
    private volatile List<ApiKeyStore.Active> snapshot;
    private volatile boolean refreshFailing;
    /** Last use per key name not yet written, and when each key's use was last written. */
    private final Map<String, Instant> unwrittenUse = new ConcurrentHashMap<>();
    private final Map<String, Instant> writtenUse = new ConcurrentHashMap<>();

    public ApiKeyVerifier(ApiKeyStore store, Clock clock, Duration refresh, Duration touchEvery) {
        this.store = store;
        this.clock = clock;
        this.touchEvery = touchEvery;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-key-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            refresh();
            writeUsage();
        }, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Principal verify(String token) throws InvalidCredentialException {
        List<ApiKeyStore.Active> keys = snapshot;
        if (keys == null) {
            throw new StoreUnavailableException("the API keys could not be read from the store yet", null);
        }
        if (!ApiKeys.looksLikeKey(token)) {
            throw new InvalidCredentialException("not an API key");
        }
        byte[] hash = TokenDigest.sha256(token);
        ApiKeyStore.Active match = null;
        // Compare against every key with MessageDigest.isEqual (constant time) and no early exit, so the
        // time taken says nothing about which stored hash shares a prefix with the presented one.
        for (ApiKeyStore.Active key : keys) {
            if (MessageDigest.isEqual(key.hash(), hash)) {
                match = key;
            }
        }
        if (match == null) {
            throw new InvalidCredentialException("unknown or revoked API key");
        }
        recordUse(match.name());
        return Principal.apiKey(match.name(), match.scopes());
    }

    private void recordUse(String name) {
        Instant now = clock.instant();
        Instant written = writtenUse.get(name);
        if (written == null || !now.isBefore(written.plus(touchEvery))) {
            unwrittenUse.put(name, now);
        }
    }

    /** Reloads the snapshot; on failure keeps the last one (a store hiccup must not lock everyone out). */
    void refresh() {
        try {
            snapshot = List.copyOf(store.active());
            if (refreshFailing) {
                LOG.info("API keys are read from the store again");
            }
            refreshFailing = false;
        } catch (SQLException | RuntimeException e) {
            if (!refreshFailing) {
                LOG.warn("Cannot reload the API keys from the store (the last loaded keys stay in force): {}", e.getMessage());
            }
            refreshFailing = true;
        }
    }

    private void writeUsage() {
        for (String name : List.copyOf(unwrittenUse.keySet())) {
            Instant usedAt = unwrittenUse.remove(name);
            if (usedAt == null) {
                continue;
            }
            try {
                store.touch(name, usedAt);
                writtenUse.put(name, usedAt);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Cannot record the last use of API key {}: {}", name, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        writeUsage();
    }
}
