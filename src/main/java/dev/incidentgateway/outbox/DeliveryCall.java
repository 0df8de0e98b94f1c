package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One delivery attempt of one claimed row: reads the event and its incident, hands them to the sink, and waits for
 * the outcome at most the delivery deadline. A call that hangs is stopped at the deadline and counts as a retry, so it
 * never holds its relay slot much longer than that; its row is given up only once the call has ended.
 */
final class DeliveryCall implements AutoCloseable {
    private final Sink sink;
    private final ExternalRefs refs;
    private final TimelineStore timeline;
    private final Duration deadline;
    private final MeterRegistry meters;
    /** How long after the deadline an aborted call may take to end before its row is left to its lease. */
    private final Duration abortGrace;
    /** Calls abandoned at their deadline that had not ended within {@link #abortGrace}, by incident; removed as they end. */
    private final Map<String, CountDownLatch> running = new ConcurrentHashMap<>();
    /** The sink calls themselves; a hung one is abandoned here at its deadline, not waited for. */
    private final ExecutorService calls;

    DeliveryCall(Sink sink, OutboxStore outbox, TimelineStore timeline, Duration deadline, Duration abortGrace, MeterRegistry meters) {
        this(sink, outbox, timeline, deadline, abortGrace, meters,
                Executors.newCachedThreadPool(OutboxRelay.daemon("outbox-call-" + sink.connector())));
    }

    /** @param calls where the sink calls run (tests: one whose threads are all taken) */
    DeliveryCall(Sink sink, OutboxStore outbox, TimelineStore timeline, Duration deadline, Duration abortGrace, MeterRegistry meters,
                 ExecutorService calls) {
        this.sink = sink;
        this.refs = new ExternalRefs(outbox.dataSource());
        this.timeline = timeline;
        this.deadline = deadline;
        this.abortGrace = abortGrace;
        this.meters = meters;
        this.calls = calls;
    }

    /**
     * What the sink needs to deliver {@code item}: the event, its incident's view and the incident's ref at this
     * connector, read before the relay takes a call permit: a permit is for calls open at the target, and the reads held
     * it while no call was (issue 13). {@code dead} when the event or incident is not in the store.
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

    /**
     * The sink's outcome; a retry when it has none within the deadline and its calls could be stopped; {@code null} when
     * they could not (the row must keep its claim: a retry now could overtake the call still on its way).
     *
     * <p>At the deadline the delivery's calls are aborted ({@link DeliveryAbort}: the HTTP client closes the connection)
     * and interrupted, and the retry is returned only once the call has ended, at most {@code abortGrace} later: giving
     * the row up while its call still runs let that call reach the target after the row's retry and after the incident's
     * later events. A call that ends neither way in time (a sink deaf to both) returns {@code null}, and its incident gets
     * no call of this relay while it runs ({@link #stillRunning}).
     */
    DeliveryResult attemptWithin(Delivery delivery, Duration leaseLeft) throws InterruptedException {
        Duration within = leaseLeft.compareTo(deadline) < 0 ? leaseLeft : deadline;
        DeliveryAbort abort = new DeliveryAbort();
        CountDownLatch ended = new CountDownLatch(1);
        String incident = delivery.item().incidentId();
        // Who goes first: the call's thread taking it (1), or the deadline giving it up before any thread took it (2).
        AtomicInteger start = new AtomicInteger();
        Future<DeliveryResult> call = calls.submit(() -> {
            if (!start.compareAndSet(0, 1)) {
                return null; // given up before it started: no call of it goes out
            }
            try {
                return abort.run(() -> attempt(delivery));
            } finally {
                ended.countDown();
                running.remove(incident, ended);
            }
        });
        try {
            return call.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.put(incident, ended);
            abort.abort();
            call.cancel(true);
            if (start.compareAndSet(0, 2)) {
                // It never runs, so nothing counts "ended" down but this: before, a call whose deadline passed before a
                // thread took it (a lease nearly out) left its incident "still running" for good, none of its rows sent.
                ended.countDown();
            }
            meters.counter("gateway.outbox.deadline.exceeded", "connector", sink.connector()).increment();
            if (!ended.await(abortGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            return new DeliveryResult.Retry("no outcome from " + sink.connector() + " within the delivery deadline of "
                    + within.toMillis() + " ms", null);
        } catch (InterruptedException e) { // the relay is closing: the row keeps its claim until its lease runs out
            abort.abort();
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e.getCause(), null);
        } finally {
            if (ended.getCount() == 0) {
                running.remove(incident, ended);
            }
        }
    }

    /** How long after its deadline a stopped call may take to end before its row is left to its lease. */
    Duration abortGrace() {
        return abortGrace;
    }

    /**
     * Whether a call of an earlier delivery of {@code incidentId}, abandoned at its deadline, still runs: the incident's
     * rows wait (keeping their claims) until it ended, so nothing of the incident overtakes it.
     */
    boolean stillRunning(String incidentId) {
        return running.containsKey(incidentId);
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
