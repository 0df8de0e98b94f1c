package dev.incidentgateway.stream;

import dev.incidentgateway.security.HeldCredential;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * When an open stream asks whether its credential still authenticates ({@link HeldCredential}): before it sends events
 * (replayed or live), at most every {@link #EVERY}, and at each heartbeat, so an idle stream ends too. A revoked key's
 * stream thus gets no event later than the keys' next reload (every 2 s) plus {@link #EVERY}; an expired access
 * token's no event later than {@link #EVERY} after its expiry (plus the allowed skew). The interval keeps a busy
 * stream from hashing its key at every write; one event loop's subscribers are all its own, so no locking.
 */
final class StreamCredentialCheck {
    static final Duration EVERY = Duration.ofMillis(500);

    private final HeldCredential credential;
    private final Clock clock;
    private long nextAt;

    StreamCredentialCheck(HeldCredential credential, Clock clock) {
        this.credential = credential;
        this.clock = clock;
        this.nextAt = System.nanoTime() + EVERY.toNanos(); // it was checked when the stream opened
    }

    /** Why the credential lapsed, or empty while it holds (or when it was checked less than {@link #EVERY} ago, unless {@code now}). */
    Optional<String> lapsed(boolean now) {
        long t = System.nanoTime();
        if (!now && t - nextAt < 0) {
            return Optional.empty();
        }
        nextAt = t + EVERY.toNanos();
        return credential.lapsed(clock.instant());
    }
}
