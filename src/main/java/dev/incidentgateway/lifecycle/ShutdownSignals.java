package dev.incidentgateway.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Runnable requestStop;
    private final long hookWaitMillis;

    private ShutdownSignals(Runnable requestStop, long hookWaitMillis) {
        this.requestStop = requestStop;
        this.hookWaitMillis = hookWaitMillis;
    }

    /**
     * Installs the handlers. {@code requestStop} must return at once (it only tells the main thread to stop); the main
     * thread calls {@link #finished()} once the gateway is closed. {@code hookWait}: how long the shutdown hook waits.
     */
    public static ShutdownSignals install(Runnable requestStop, java.time.Duration hookWait) {
        ShutdownSignals signals = new ShutdownSignals(requestStop, hookWait.toMillis());
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signals::onSignal);
            } catch (IllegalArgumentException e) { // e.g. the JVM runs with -Xrs: the shutdown hook below still applies
                LOG.warn("Cannot handle SIG{} ({}); stopping on it relies on the JVM's shutdown hooks", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(signals::onJvmShutdown, "gateway-shutdown-hook"));
        return signals;
    }

    private void onSignal(Signal signal) {
        if (requested.compareAndSet(false, true)) {
            LOG.info("SIG{} received: stopping gracefully (again to stop at once)", signal.getName());
            requestStop.run();
        } else {
            LOG.warn("SIG{} received again: stopping at once; deliveries under way are retried after their lease", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
    }

    private void onJvmShutdown() {
        if (requested.compareAndSet(false, true)) {
            requestStop.run();
        }
        try {
            finished.await(hookWaitMillis, TimeUnit.MILLISECONDS); // the JVM halts once the hooks return
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The gateway is closed: a shutdown hook waiting for it may return. */
    public void finished() {
        finished.countDown();
    }
}
