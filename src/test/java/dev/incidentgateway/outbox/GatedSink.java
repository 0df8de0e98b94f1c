package dev.incidentgateway.outbox;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers {@code next} (delivered when null); for an incident in {@code gated} it first blocks until the test
 * releases it, deaf to interrupts like a socket read without a timeout.
 */
final class GatedSink implements Sink {
    final Set<String> gated = ConcurrentHashMap.newKeySet();
    /** Incidents whose calls block until the relay aborts them ({@link DeliveryAbort}), as an HTTP call does. */
    final Set<String> abortable = ConcurrentHashMap.newKeySet();
    /** Calls that have returned, by incident. */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> ended = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);
    final Map<String, Queue<String>> delivered = new ConcurrentHashMap<>();
    volatile DeliveryResult next;

    @Override
    public String connector() {
        return "gated";
    }

    CountDownLatch entered(String incident) {
        return entered.computeIfAbsent(incident, k -> new CountDownLatch(1));
    }

    void releaseAll() {
        release.countDown();
    }

    int ended(String incident) {
        return ended.computeIfAbsent(incident, k -> new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        try {
            return answer(d);
        } finally {
            ended.computeIfAbsent(d.incident().id(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        }
    }

    private DeliveryResult answer(Delivery d) {
        String incident = d.incident().id();
        entered(incident).countDown();
        if (abortable.contains(incident)) {
            CountDownLatch aborted = new CountDownLatch(1);
            try (DeliveryAbort.Registration ignored = DeliveryAbort.onAbort(aborted::countDown)) {
                while (aborted.getCount() > 0) {
                    try {
                        aborted.await(1, TimeUnit.DAYS);
                    } catch (InterruptedException deaf) {
                        // only the abort ends it, as only closing its connection ends a blocked socket read
                    }
                }
            }
            return new DeliveryResult.Retry("connection closed", null);
        }
        if (gated.contains(incident)) {
            boolean released = false;
            while (!released) {
                try {
                    released = release.await(1, TimeUnit.DAYS);
                } catch (InterruptedException ignored) {
                    // a hung call does not notice being abandoned
                }
            }
        }
        DeliveryResult answer = next;
        if (answer == null) {
            delivered.computeIfAbsent(incident, k -> new ConcurrentLinkedQueue<>()).add(d.event().type().wireName());
            return DeliveryResult.delivered();
        }
        return answer;
    }
}
