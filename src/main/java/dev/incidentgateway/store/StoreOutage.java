package dev.incidentgateway.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The log of a store outage, as the health probe sees it: one line when it begins (with the reason, see
 * {@link StoreFailureReason}), a reminder at most every {@link #REMINDER} while it lasts with how much was refused, and one
 * line when it ends with how long it lasted. Everything that fails because of it (each request answered 503, each retry
 * of a background reader) asks {@link #refused} / {@link #retried} whether the outage is known: then it logs at DEBUG
 * only. A PostgreSQL outage of 15 s used to write 34 WARN lines (a retry a second, one per refused request, HikariCP's
 * stack traces), burying the one line that said why.
 */
public final class StoreOutage {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);
    static final Duration REMINDER = Duration.ofMinutes(1);
    /** For a store without a probe (command-line tools, tests): never in a known outage. */
    private static final StoreOutage UNTRACKED = new StoreOutage(System::nanoTime, REMINDER);

    private final LongSupplier nanoClock;
    private final long reminderNanos;
    private final LongAdder refused = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private volatile boolean ongoing;
    private volatile String reason;
    private long startedNanos;
    private long lastLineNanos;

    public StoreOutage() {
        this(System::nanoTime, REMINDER);
    }

    StoreOutage(LongSupplier nanoClock, Duration reminder) {
        this.nanoClock = nanoClock;
        this.reminderNanos = reminder.toNanos();
    }

    public static StoreOutage untracked() {
        return UNTRACKED;
    }

    /** A probe failed: the outage begins (logged once), or goes on (a reminder when one is due). */
    synchronized void probeFailed(String why) {
        long now = nanoClock.getAsLong();
        reason = why;
        if (!ongoing) {
            ongoing = true;
            startedNanos = now;
            lastLineNanos = now;
            refused.reset();
            retried.reset();
            LOG.warn("The store does not answer ({}): /health reports it DOWN; requests that need the store get 503 until it "
                    + "answers again", why);
        } else if (now - lastLineNanos >= reminderNanos) {
            lastLineNanos = now;
            LOG.warn("The store still does not answer ({} s so far; {}): {} request(s) answered 503, {} background retries since "
                    + "the outage began", seconds(now - startedNanos), why, refused.sum(), retried.sum());
        }
    }

    /** A probe succeeded: an outage under way ends (logged once, with how long it lasted). */
    synchronized void probeSucceeded() {
        if (ongoing) {
            ongoing = false;
            reason = null;
            LOG.info("The store answers again after an outage of {} s; {} request(s) were answered 503 meanwhile",
                    seconds(nanoClock.getAsLong() - startedNanos), refused.sum());
        }
    }

    /** Whether the probe knows the store to be down right now. */
    public boolean isOngoing() {
        return ongoing;
    }

    /** Why the store does not answer, while it does not. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** A request answered 503 because of the store. True when that is part of a known outage: log it at DEBUG. */
    public boolean refused() {
        refused.increment();
        return ongoing;
    }

    /** A background reader's retry because of the store. True when that is part of a known outage: log it at DEBUG. */
    public boolean retried() {
        retried.increment();
        return ongoing;
    }

    /**
     * The one way a failure caused by the store is logged: at WARN, or at DEBUG while {@code duringKnownOutage} (the
     * answer of {@link #refused} or {@link #retried}), since the outage's start, reminders and end are logged here once.
     */
    public static void log(Logger log, boolean duringKnownOutage, String format, Object... args) {
        if (duringKnownOutage) {
            log.debug(format, args);
        } else {
            log.warn(format, args);
        }
    }

    private static long seconds(long nanos) {
        return Math.max(0, Math.round(nanos / 1e9));
    }
}
