package dev.incidentgateway.transport;

import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedRateLimiterTest {
    /** A clock the test moves by hand. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private KeyedRateLimiter limiter(RateLimit limit, int maxKeys) {
        return new KeyedRateLimiter(k -> limit, limit.refillTime(), maxKeys, clock);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void theBurstPassesThenRefusalsSayWhenToRetry() {
        KeyedRateLimiter l = limiter(RateLimit.of(2, 4), 10);
        for (int i = 0; i < 4; i++) {
            assertThat(l.tryAcquire("a")).as("request %d of the burst", i).isEmpty();
        }
        OptionalLong refused = l.tryAcquire("a");
        assertThat(refused).isPresent();
        assertThat(refused.getAsLong()).as("a token is back in 0.5 s: Retry-After rounds up to whole seconds").isEqualTo(1);

        advance(Duration.ofMillis(500));
        assertThat(l.tryAcquire("a")).as("refilled at 2 per second").isEmpty();
        assertThat(l.tryAcquire("a")).isPresent();
    }

    @Test
    void retryAfterCoversTheWholeWaitAtSlowRates() {
        KeyedRateLimiter l = limiter(RateLimit.of(1, 1), 10);
        assertThat(l.tryAcquire("a")).isEmpty();
        advance(Duration.ofMillis(100));
        assertThat(l.tryAcquire("a")).hasValue(1); // 0.9 s left
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        KeyedRateLimiter l = limiter(RateLimit.of(1, 1), 10);
        assertThat(l.tryAcquire("a")).isEmpty();
        assertThat(l.tryAcquire("a")).isPresent();
        assertThat(l.tryAcquire("b")).as("another key is not affected").isEmpty();
    }

    @Test
    void manyDistinctKeysKeepAtMostMaxKeysBuckets() {
        KeyedRateLimiter l = limiter(RateLimit.of(1, 1), 100);
        for (int i = 0; i < 10_000; i++) {
            l.tryAcquire("key-" + i);
        }
        assertThat(l.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void idleBucketsAreForgottenOnceTheyWouldBeFullAnyway() {
        KeyedRateLimiter l = limiter(RateLimit.of(10, 10), 100);
        for (int i = 0; i < 50; i++) {
            l.tryAcquire("key-" + i);
        }
        assertThat(l.size()).isEqualTo(50);
        advance(Duration.ofSeconds(5)); // refill takes 1 s; forgotten 1 s after that
        assertThat(l.size()).isZero();
    }

    @Test
    void perKeyLimitsAndKeysWithoutALimit() {
        KeyedRateLimiter l = KeyedRateLimiter.perKey(Map.of("slow", RateLimit.of(1, 1), "off", RateLimit.OFF));
        assertThat(l.tryAcquire("slow")).isEmpty();
        assertThat(l.tryAcquire("slow")).isPresent();
        for (int i = 0; i < 1000; i++) {
            assertThat(l.tryAcquire("off")).isEmpty();
            assertThat(l.tryAcquire("undeclared")).isEmpty();
        }
        assertThat(KeyedRateLimiter.unlimited().tryAcquire("x")).isEmpty();
    }

    @Test
    void aBurstOfZeroMeansOneSecondsWorth() {
        assertThat(RateLimit.of(50, 0)).isEqualTo(new RateLimit(50, 50));
        assertThat(RateLimit.of(0, 100).isOff()).isTrue();
        assertThat(RateLimit.of(5, 10).describe()).isEqualTo("5 requests per second (bursts of 10)");
    }
}
