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

/**
 * Verifies API keys from an in-memory snapshot of the unrevoked keys ({@link StoreSnapshot}), so a request with a known
 * key never waits on the database. The snapshot is read again every {@code refresh} (a key revoked by {@code api-key}
 * stops working within that time, without a restart), at once after the control channel ran a command, and after an
 * unknown key (a key created a moment ago works at its first use). {@code last_used_at} is written at most once per
 * {@code touchEvery} per key.
 */
public final class ApiKeyVerifier implements CredentialVerifier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyVerifier.class);

    private final ApiKeyStore store;
    private final Clock clock;
    private final Duration touchEvery;
    private final StoreSnapshot<List<ApiKeyStore.Active>> snapshot;
    /** Last use per key name not yet written, and when each key's use was last written. */
    private final Map<String, Instant> unwrittenUse = new ConcurrentHashMap<>();
    private final Map<String, Instant> writtenUse = new ConcurrentHashMap<>();

    public ApiKeyVerifier(ApiKeyStore store, Clock clock, Duration refresh, Duration touchEvery) {
        this.store = store;
        this.clock = clock;
        this.touchEvery = touchEvery;
        this.snapshot = new StoreSnapshot<>("the API keys", () -> List.copyOf(store.active()), firstRead(store), refresh,
                this::writeUsage, "api-key-refresh");
    }

    /** The keys at start, or null when the store cannot be read yet (requests get 503 until a reload succeeds). */
    private static List<ApiKeyStore.Active> firstRead(ApiKeyStore store) {
        try {
            return List.copyOf(store.active());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot read the API keys from the store (requests are answered 503 until they are read): {}", e.getMessage());
            return null;
        }
    }

    @Override
    public Principal verify(String token) throws InvalidCredentialException {
        List<ApiKeyStore.Active> keys = snapshot.current();
        if (keys == null) {
            throw new StoreUnavailableException("the API keys could not be read from the store yet", null);
        }
        if (!ApiKeys.looksLikeKey(token)) {
            throw new InvalidCredentialException("not an API key");
        }
        byte[] hash = TokenDigest.sha256(token);
        ApiKeyStore.Active match = find(keys, hash);
        if (match == null) {
            List<ApiKeyStore.Active> reloaded = snapshot.afterMiss();
            match = reloaded == keys || reloaded == null ? null : find(reloaded, hash);
        }
        if (match == null) {
            throw new InvalidCredentialException("unknown or revoked API key");
        }
        recordUse(match.name());
        return Principal.apiKey(match.name(), match.scopes());
    }

    @Override
    public java.util.Optional<Principal> fromMemory(String token) {
        List<ApiKeyStore.Active> keys = snapshot.current();
        ApiKeyStore.Active match = keys == null || !ApiKeys.looksLikeKey(token) ? null : find(keys, TokenDigest.sha256(token));
        return match == null ? java.util.Optional.empty() : java.util.Optional.of(Principal.apiKey(match.name(), match.scopes()));
    }

    /**
     * Compares against every key with MessageDigest.isEqual (constant time) and no early exit, so the time taken says
     * nothing about which stored hash shares a prefix with the presented one.
     */
    private static ApiKeyStore.Active find(List<ApiKeyStore.Active> keys, byte[] hash) {
        ApiKeyStore.Active match = null;
        for (ApiKeyStore.Active key : keys) {
            if (MessageDigest.isEqual(key.hash(), hash)) {
                match = key;
            }
        }
        return match;
    }

    /** Reads the keys again now (after the control channel ran a command); waits for that at most {@code wait}. */
    public boolean refreshNow(Duration wait) {
        return snapshot.reloadNow(wait);
    }

    private void recordUse(String name) {
        Instant now = clock.instant();
        Instant written = writtenUse.get(name);
        if (written == null || !now.isBefore(written.plus(touchEvery))) {
            unwrittenUse.put(name, now);
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
        snapshot.close();
        writeUsage();
    }
}
