package dev.incidentgateway.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock tests move by hand: it stays at its start until the test sets it or advances it. Safe to read from other
 * threads (the outbox relay's workers, trackers), as the code under test does. Hand-written: ThreeTen-Extra's
 * {@code MutableClock} does the same, but it is not a dependency of ours and this is all we would use of it.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The same clock: every test clock is UTC, and a copy in another zone would stop following the test's moves. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
