package dev.incidentgateway.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a request to stop, handled by the main thread, instead of the JVM's default.
 *
 * <p>Why not JVM shutdown hooks (what Camel Main installs by default): on a signal the JVM starts all hooks at once, in
 * no order, and when they have returned it halts with status 128 + signal (143 for SIGTERM) — whatever the main thread
 * was still doing. Camel's hook returned once Camel had stopped, so the store could be closed under deliveries still
 * recording their outcome, and the exit status said "killed". With the signals handled here the JVM is not shutting
 * down while the gateway drains: the main thread runs the whole {@link GracefulShutdown} and then exits with 0.
 *
 * <p>A second signal while stopping halts at once (128 + signal), for an operator who will not wait. Any other way the
 * JVM shuts down (SIGHUP, {@code System.exit} elsewhere) still stops the gateway in order through a shutdown hook that
 * waits for the main thread's shutdown to finish.
 */
public final class ShutdownSignals {
    /**
     * Not a static field: the first logger initializes logback, which takes a good part of a second at a start, and the
     * handlers must be in place before that (a SIGTERM in that time otherwise ended the JVM with 143).
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ShutdownSignals.class);
    }

    /**
     * Whether a stop was asked for since the last {@link #install}, for waits at start that are not the gateway yet (the
     * store's start-up wait, {@link #awaitStopRequest}). Static because signals are the process's: there is one handler.
     */
    private static final Object STOP_MONITOR = new Object();
    private static boolean stopRequested;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    /** How long the shutdown hook waits while the gateway is still built (its shutdown budget is not read yet). */
    static final Duration UNTIL_BUILT = Duration.ofSeconds(60);

    private final AtomicLong hookWaitMillis = new AtomicLong(UNTIL_BUILT.toMillis());
    private Runnable requestStop = () -> { }; // until the gateway is built: the request is only remembered
    /** {@code Runtime.halt}; a test's own in unit tests (a test JVM must not halt). */
    private final IntConsumer halt;

    private ShutdownSignals() {
        this(status -> Runtime.getRuntime().halt(status));
    }

    ShutdownSignals(IntConsumer halt) {
        this.halt = halt;
    }

    /**
     * Installs the handlers, first thing at a start: a signal while the configuration is read, the store opens and the
     * gateway is assembled (the first seconds) is remembered, and the gateway stops once built, closing the store,
     * instead of the JVM's default exit 143 with the store left open. The main thread calls {@link #finished()} once
     * the gateway is closed (or its start failed).
     */
    public static ShutdownSignals install() {
        ShutdownSignals signals = new ShutdownSignals();
        forgetStopRequest();
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signals::onSignal);
            } catch (IllegalArgumentException e) { // e.g. the JVM runs with -Xrs: the shutdown hook below still applies
                log().warn("Cannot handle SIG{} ({}); stopping on it relies on the JVM's shutdown hooks", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(signals::onJvmShutdown, "gateway-shutdown-hook"));
        return signals;
    }

    /**
     * The stop is requested before anything is logged, and a request that fails halts: this signal is the one that
     * counts ({@code requested}), and a platform sends one SIGTERM, then waits until its kill deadline. Before, an Error
     * on the way (an OutOfMemoryError after one in a request: the log line, logback's first use, the stop itself) ended
     * the handler's thread with the stop never requested, and the gateway ran on until SIGKILL.
     */
    void onSignal(Signal signal) {
        if (requested.compareAndSet(false, true)) {
            try {
                requestStop();
            } catch (Throwable failed) { // even an Error: nothing else would stop the gateway now
                halt.accept(128 + signal.getNumber());
                return;
            }
            log().info("SIG{} received: stopping gracefully (again to stop at once)", signal.getName());
        } else {
            log().warn("SIG{} received again: stopping at once; deliveries under way are retried after their lease", signal.getName());
            halt.accept(128 + signal.getNumber());
        }
    }

    private void onJvmShutdown() {
        if (requested.compareAndSet(false, true)) {
            requestStop();
        }
        try {
            finished.await(hookWaitMillis.get(), TimeUnit.MILLISECONDS); // the JVM halts once the hooks return
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What tells the built gateway's main thread to stop; it must return at once. Run here and now when a signal came
     * before (the gateway then stops without serving). {@code hookWait}: how long the shutdown hook waits for the stop.
     */
    public synchronized void whenStopRequested(Runnable stop, Duration hookWait) {
        hookWaitMillis.set(hookWait.toMillis());
        requestStop = stop;
        if (requested.get()) {
            stop.run();
        }
    }

    private synchronized void requestStop() {
        synchronized (STOP_MONITOR) {
            stopRequested = true;
            STOP_MONITOR.notifyAll();
        }
        requestStop.run();
    }

    /**
     * Waits up to {@code millis} for a stop request; true when one came (now or before). For a wait at start that can
     * last long, e.g. for a database that is not up yet ({@code GATEWAY_DB_STARTUP_WAIT_S}, 30 s by default): without it a
     * SIGTERM in that wait was acted on only when the wait was over. False at once for {@code millis <= 0} without one;
     * always false in a process that did not {@link #install} the handlers (the command-line tools).
     */
    public static boolean awaitStopRequest(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (STOP_MONITOR) {
            long left;
            while (!stopRequested && (left = deadline - System.nanoTime()) > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(STOP_MONITOR, left);
            }
            return stopRequested;
        }
    }

    /** Forgets a stop request, as {@link #install} does, for unit tests that request one without installing. */
    static void forgetStopRequest() {
        synchronized (STOP_MONITOR) {
            stopRequested = false;
        }
    }

    /** The gateway is closed: a shutdown hook waiting for it may return. */
    public void finished() {
        finished.countDown();
    }
}
