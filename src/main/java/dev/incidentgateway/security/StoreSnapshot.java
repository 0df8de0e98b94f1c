package dev.incidentgateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Credentials read from the store and kept in memory, so that checking one never waits on the database: read again
 * every {@code period} on a thread of its own, at once when the gateway itself changed them ({@link #reloadNow}, the
 * CLI's control channel), and after a credential was not found ({@link #afterMiss}), so a key made a moment ago by
 * another process (the CLI against PostgreSQL) is accepted at its first use, not up to a period later. A reload that
 * fails keeps the last value in force (a store hiccup must not lock everyone out) and is logged once until one succeeds.
 * Every read runs on the snapshot's thread.
 *
 * @param <T> the value read (an immutable list or map)
 */
public final class StoreSnapshot<T> implements AutoCloseable {
    /** Misses start a reload at most this often: unknown credentials sent in a loop cost the store ~4 small reads a second. */
    static final Duration MISS_RELOAD_INTERVAL = Duration.ofMillis(250);
    /** The longest a check of an unknown credential waits for the reload it started or joined. */
    static final Duration MISS_WAIT = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(StoreSnapshot.class);

    /** Reads the current value. */
    @FunctionalInterface
    public interface Loader<T> {
        T load() throws SQLException;
    }

    private final String what;
    private final Loader<T> loader;
    private final ScheduledExecutorService reloads;
    private volatile T value;
    private boolean failing; // the reload thread's only
    /** The reload a miss started last, and when (guarded by {@code this}). */
    private Future<?> missReload;
    private long missReloadAt;

    /**
     * @param what        what is read, for the log ("the API keys")
     * @param initial     the value read at start ({@code null}: not read yet)
     * @param eachPeriod  run on the snapshot's thread after each periodic reload (e.g. writing usage back)
     */
    public StoreSnapshot(String what, Loader<T> loader, T initial, Duration period, Runnable eachPeriod, String threadName) {
        this.what = what;
        this.loader = loader;
        this.value = initial;
        this.reloads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        reloads.scheduleWithFixedDelay(() -> {
            reload();
            eachPeriod.run();
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last value read ({@code null} when none could be read yet). */
    public T current() {
        return value;
    }

    /** Reads the value again now and waits for it at most {@code wait}; whether it was read within that time. */
    public boolean reloadNow(Duration wait) {
        try {
            return await(reloads.submit(this::reload), wait);
        } catch (RejectedExecutionException e) { // closed
            return false;
        }
    }

    /**
     * After a credential was not found in {@link #current}: starts a reload (or joins one a miss started and still under
     * way), unless a miss started one less than {@link #MISS_RELOAD_INTERVAL} ago, waits for it at most
     * {@link #MISS_WAIT}, and returns the value then current.
     */
    public T afterMiss() {
        Future<?> reload;
        synchronized (this) {
            long now = System.nanoTime();
            if (missReload != null && !missReload.isDone()) {
                reload = missReload;
            } else if (missReload != null && now - missReloadAt < MISS_RELOAD_INTERVAL.toNanos()) {
                return value;
            } else {
                try {
                    reload = reloads.submit(this::reload);
                } catch (RejectedExecutionException e) { // closed
                    return value;
                }
                missReload = reload;
                missReloadAt = now;
            }
        }
        await(reload, MISS_WAIT);
        return value;
    }

    private void reload() {
        try {
            value = loader.load();
            if (failing) {
                LOG.info("{} are read from the store again", capitalized());
            }
            failing = false;
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                LOG.warn("Cannot reload {} from the store (the last ones loaded stay in force): {}", what, e.getMessage());
            }
            failing = true;
        }
    }

    private String capitalized() {
        return Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }

    private static boolean await(Future<?> reload, Duration wait) {
        try {
            reload.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops reloading. A read under way may finish first (up to 2 s): interrupting a thread in the middle of an H2 file
     * read makes H2 close its file, which the gateway still needs to close the store.
     */
    @Override
    public void close() {
        reloads.shutdown();
        try {
            if (!reloads.awaitTermination(2, TimeUnit.SECONDS)) {
                reloads.shutdownNow(); // a read hung on a database that does not answer
            }
        } catch (InterruptedException e) {
            reloads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
