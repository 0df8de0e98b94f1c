package dev.incidentgateway.outbox;

import java.util.ArrayList;
import java.util.List;

/**
 * How the relay stops a delivery's calls at its deadline. An interrupt does not: a blocking socket read or write (Apache
 * HttpClient's classic I/O) ignores it, so an "abandoned" call used to go on and reach the target after the row had been
 * given up, after its retry and after the incident's later events (a Slack thread read mitigate, resolve, mitigate).
 * A sink's I/O registers how to cancel itself ({@link #onAbort}) on the thread that runs the delivery; at the deadline
 * the relay {@linkplain #abort aborts} it (the HTTP client closes the connection, the blocked call fails at once) and
 * gives the row up only once the call has ended. Hand-written: the HTTP client has a per-request cancel, but nothing ties
 * one to the thread a deadline belongs to.
 */
public final class DeliveryAbort {
    private static final ThreadLocal<DeliveryAbort> CURRENT = new ThreadLocal<>();

    /** Guarded by this. */
    private final List<Runnable> cancels = new ArrayList<>();
    private boolean aborted;

    /** Registration of one cancel; closing it forgets the cancel (the call it stands for ended). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers {@code cancel} with the delivery running on this thread (nothing outside a relay delivery); runs it at
     * once when that delivery was already aborted, so no call of an abandoned delivery starts.
     */
    public static Registration onAbort(Runnable cancel) {
        DeliveryAbort current = CURRENT.get();
        if (current == null) {
            return () -> { };
        }
        synchronized (current) {
            if (!current.aborted) {
                current.cancels.add(cancel);
                return () -> {
                    synchronized (current) {
                        current.cancels.remove(cancel);
                    }
                };
            }
        }
        cancel.run();
        return () -> { };
    }

    /** Runs {@code body} on this thread as the delivery this abort stops (the relay's call thread; tests). */
    public <T> T run(java.util.function.Supplier<T> body) {
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** Cancels every call registered now and every one registered from now on. */
    public void abort() {
        List<Runnable> now;
        synchronized (this) {
            aborted = true;
            now = List.copyOf(cancels);
            cancels.clear();
        }
        now.forEach(Runnable::run);
    }
}
