package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One delivery attempt of one claimed row: reads the event and its incident, hands them to the sink, and waits for
 * the outcome at most the delivery deadline. A call that hangs is abandoned (interrupted) at the deadline and counts
 * as a retry, so it never holds its relay slot longer than that.
 *
 * <p>At most {@code concurrency} calls are open at the target. The call's own thread takes its permit right before the
 * sink's call and gives it back right after, so a permit is never held while threads hand the delivery over (issue 13:
 * with the permit taken and given back by the relay's slot thread, each delivery held it ≈ 1–3 ms longer than its calls
 * took — the hand-offs to and from the call thread and the reads — and a burst drained at 0.73–0.78 of what the
 * concurrency allows).
 */
final class DeliveryCall implements AutoCloseable {
    private final Sink sink;
    private final ExternalRefs refs;
    private final TimelineStore timeline;
    private final Duration deadline;
    private final MeterRegistry meters;
    /** The sink calls themselves; a hung one is abandoned here at its deadline, not waited for. */
    private final ExecutorService calls;
    private final int concurrency;
    private final Semaphore permits;

    DeliveryCall(Sink sink, OutboxStore outbox, TimelineStore timeline, int concurrency, Duration deadline, MeterRegistry meters) {
        this.sink = sink;
        this.concurrency = concurrency;
        this.permits = new Semaphore(concurrency, true);
        this.refs = new ExternalRefs(outbox.dataSource());
        this.timeline = timeline;
        this.deadline = deadline;
        this.meters = meters;
        this.calls = Executors.newCachedThreadPool(OutboxRelay.daemon("outbox-call-" + sink.connector()));
    }

    /**
     * What the sink needs to deliver {@code item}: the event, its incident's view and the incident's ref at this
     * connector, read before the relay takes a call permit (reading them inside one held the permit with no call open
     * at the target: issue 13, a burst drained below 80 % of what the concurrency allows). {@code dead} when the event or
     * incident is not in the store.
     */
    Prepared prepare(OutboxItem item) throws SQLException {
        TimelineEvent event = timeline.event(item.eventId()).orElse(null);
        Incident incident = timeline.incident(item.incidentId()).orElse(null);
        if (event == null || incident == null) {
            return new Prepared(null, new DeliveryResult.Dead("event " + item.eventId() + " or incident " + item.incidentId()
                    + " is not in the store"));
        }
        return new Prepared(new Delivery(item, event, incident, refs.find(item.incidentId(), sink.connector())), null);
    }

    /** A delivery ready for its call, or the outcome that makes a call pointless. */
    record Prepared(Delivery delivery, DeliveryResult dead) {
    }

    /** Calls open at the target now. */
    int open() {
        return concurrency - permits.availablePermits();
    }

    /**
     * The sink's outcome, or a retry when it has none within the deadline of its call (the call is abandoned,
     * interrupted, and its permit given back); {@code null} when no permit came free within {@code permitWait}.
     */
    DeliveryResult attemptWithin(Delivery delivery, Duration permitWait) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        Future<DeliveryResult> call = calls.submit(() -> {
            try {
                if (!permits.tryAcquire(permitWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                held.set(true);
            } finally {
                started.countDown();
            }
            try {
                return attempt(delivery);
            } finally {
                giveBack(held);
            }
        });
        try {
            started.await();
            return call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            giveBack(held); // a hung call no longer counts against the concurrency (its thread is abandoned)
            meters.counter("gateway.outbox.deadline.exceeded", "connector", sink.connector()).increment();
            return new DeliveryResult.Retry("no outcome from " + sink.connector() + " within the delivery deadline of "
                    + deadline.toMillis() + " ms", null);
        } catch (InterruptedException e) { // the relay is closing: the row keeps its claim until its lease runs out
            call.cancel(true);
            giveBack(held);
            throw e;
        } catch (ExecutionException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e.getCause(), null);
        }
    }

    /** Gives a call's permit back once, whether the call ended or was abandoned first. */
    private void giveBack(AtomicBoolean held) {
        if (held.compareAndSet(true, false)) {
            permits.release();
        }
    }

    private DeliveryResult attempt(Delivery delivery) {
        try {
            return sink.deliver(delivery);
        } catch (RuntimeException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e, null);
        }
    }

    /** @param interrupt whether calls still running are interrupted (not while the store is being closed) */
    void close(boolean interrupt) {
        if (interrupt) {
            calls.shutdownNow();
        } else {
            calls.shutdown();
        }
    }

    @Override
    public void close() {
        close(true);
    }
}
