package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A delivery whose deadline passes before any call thread took it. */
class DeliveryCallTest {
    private final CountDownLatch threadTaken = new CountDownLatch(1);
    private final ExecutorService oneBusyThread = Executors.newSingleThreadExecutor();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void freeTheThread() throws InterruptedException {
        threadTaken.countDown();
        oneBusyThread.shutdown();
        assertThat(oneBusyThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCallGivenUpBeforeItStartedIsARetryAndLeavesItsIncidentFree() throws Exception {
        oneBusyThread.submit(() -> {
            threadTaken.await(); // the only call thread is taken until the test ends
            return null;
        });
        Sink sink = new Sink() {
            @Override
            public String connector() {
                return "test";
            }

            @Override
            public DeliveryResult deliver(Delivery delivery) {
                calls.incrementAndGet();
                return new DeliveryResult.Delivered(null);
            }
        };
        DeliveryCall deliveryCall = new DeliveryCall(sink, new OutboxStore(null), null, Duration.ofMillis(50), Duration.ofMillis(50),
                new SimpleMeterRegistry(), oneBusyThread);
        Delivery delivery = new Delivery(new OutboxItem(1, "test", "INC-7", "01JDELIVERYCALLTEST0000000", 1, 0, Instant.now()),
                null, null, null);

        DeliveryResult result = deliveryCall.attemptWithin(delivery, Duration.ofSeconds(60));

        assertThat(result).as("no outcome within the deadline: retried").isInstanceOf(DeliveryResult.Retry.class);
        assertThat(deliveryCall.stillRunning("INC-7")).as("the incident's later rows may be sent").isFalse();
        threadTaken.countDown();
        oneBusyThread.shutdown();
        assertThat(oneBusyThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).as("the call given up never goes out").hasValue(0);
    }
}
