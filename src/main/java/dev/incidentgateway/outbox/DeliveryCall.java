package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One delivery attempt of one claimed row: reads the event and its incident, hands them to the sink, and waits for
 * the outcome at most the delivery deadline. A call that hangs is abandoned (interrupted) at the deadline and counts
 * as a retry, so it never holds its relay slot longer than that.
 */
final class DeliveryCall implements AutoCloseable {
    private final Sink sink;
    private final ExternalRefs refs;
    private final TimelineStore timeline;
    private final Duration deadline;
    private final MeterRegistry meters;
    /** The sink calls themselves; a hung one is abandoned here at its deadline, not waited for. */
    private final ExecutorService calls;

    DeliveryCall(Sink sink, OutboxStore outbox, TimelineStore timeline, Duration deadline, MeterRegistry meters) {
        this.sink = sink;
        this.refs = new ExternalRefs(outbox.dataSource());
        this.timeline = timeline;
        this.deadline = deadline;
        this.meters = meters;
        this.calls = Executors.newCachedThreadPool(OutboxRelay.daemon("outbox-call-" + sink.connector()));
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

    /** The sink's outcome, or a retry when it has none within the deadline (the call is abandoned, interrupted). */
    DeliveryResult attemptWithin(Delivery delivery) throws InterruptedException {
        Future<DeliveryResult> call = calls.submit(() -> attempt(delivery));
        try {
            return call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            meters.counter("gateway.outbox.deadline.exceeded", "connector", sink.connector()).increment();
            return new DeliveryResult.Retry("no outcome from " + sink.connector() + " within the delivery deadline of "
                    + deadline.toMillis() + " ms", null);
        } catch (InterruptedException e) { // the relay is closing: the row keeps its claim until its lease runs out
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return new DeliveryResult.Retry("unexpected error in the " + sink.connector() + " sink: " + e.getCause(), null);
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
