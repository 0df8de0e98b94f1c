package dev.incidentgateway.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Rate limits per key (a webhook source, an API principal): one token bucket per key. Bucket4j does the bucket
 * arithmetic (greedy refill, thread safe without locks); Caffeine holds the buckets, at most {@code maxKeys} of
 * them, each dropped once it has been unused for as long as an empty bucket takes to refill. A dropped bucket is
 * indistinguishable from a full one, so forgetting it changes no answer, and a flood of distinct keys cannot grow
 * memory without bound (beyond {@code maxKeys} the least recently used bucket goes: that key starts full again).
 */
public final class KeyedRateLimiter {
    /** Enough for every API key and OIDC subject an installation has; each bucket is a few hundred bytes. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final Function<String, RateLimit> limitOf;
    private final Cache<String, Bucket> buckets;
    private final TimeMeter time;

    KeyedRateLimiter(Function<String, RateLimit> limitOf, Duration longestRefill, int maxKeys, TimeMeter time) {
        this.limitOf = limitOf;
        this.time = time;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(longestRefill.plusSeconds(1))
                .ticker(time::currentTimeNanos)
                .executor(Runnable::run) // evict on the caller's thread: no background work, deterministic in tests
                .build();
    }

    /** The same limit for every key (API principals). */
    public static KeyedRateLimiter uniform(RateLimit limit, int maxKeys) {
        return new KeyedRateLimiter(k -> limit, limit.refillTime(), maxKeys, TimeMeter.SYSTEM_NANOTIME);
    }

    /** A limit per key (webhook sources); a key not in the map has none. */
    public static KeyedRateLimiter perKey(Map<String, RateLimit> limits) {
        Map<String, RateLimit> copy = Map.copyOf(limits);
        Duration longest = copy.values().stream().map(RateLimit::refillTime).max(Duration::compareTo).orElse(Duration.ZERO);
        // Room above the key count: Caffeine's size bound is approximate, and a source's bucket must never be evicted.
        return new KeyedRateLimiter(k -> copy.getOrDefault(k, RateLimit.OFF), longest, 2 * copy.size() + 16,
                TimeMeter.SYSTEM_NANOTIME);
    }

    /** A limiter that never refuses. */
    public static KeyedRateLimiter unlimited() {
        return new KeyedRateLimiter(k -> RateLimit.OFF, Duration.ZERO, 1, TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * Takes one token from the key's bucket. Empty when the request may go ahead; otherwise the whole seconds
     * (at least 1) until a token is back, for {@code Retry-After}.
     */
    public OptionalLong tryAcquire(String key) {
        RateLimit limit = limitOf.apply(key);
        if (limit.isOff()) {
            return OptionalLong.empty();
        }
        ConsumptionProbe probe = buckets.get(key, k -> newBucket(limit)).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    /** The limit that applies to {@code key}. */
    public RateLimit limitOf(String key) {
        return limitOf.apply(key);
    }

    /** Buckets held now (tests check the bound). */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket newBucket(RateLimit limit) {
        return Bucket.builder()
                .addLimit(b -> b.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build();
    }
}
