package dev.incidentgateway.security;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credential snapshot: read again after a miss (at most every {@link StoreSnapshot#MISS_RELOAD_INTERVAL}, misses
 * at the same time sharing one read), at once on request, and never losing its value to a failed read.
 */
class StoreSnapshotTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger stored = new AtomicInteger(1);
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private volatile CountDownLatch readGate = new CountDownLatch(0);

    private StoreSnapshot<Integer> snapshot() {
        return new StoreSnapshot<>("the test values", () -> {
            reads.incrementAndGet();
            try {
                readGate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (storeDown.get()) {
                throw new SQLException("connection refused");
            }
            return stored.get();
        }, stored.get(), Duration.ofHours(1), () -> { }, "test-snapshot");
    }

    @Test
    void aMissReadsTheStoreAgainButNotMoreOftenThanTheInterval() throws Exception {
        try (StoreSnapshot<Integer> s = snapshot()) {
            stored.set(2);
            assertThat(s.current()).as("the periodic reload is an hour away").isEqualTo(1);
            assertThat(s.afterMiss()).isEqualTo(2);
            assertThat(reads).hasValue(1);
            stored.set(3);
            assertThat(s.afterMiss()).as("a second miss right after: the value just read stands").isEqualTo(2);
            assertThat(reads).hasValue(1);
            Thread.sleep(StoreSnapshot.MISS_RELOAD_INTERVAL.toMillis() + 50);
            assertThat(s.afterMiss()).isEqualTo(3);
            assertThat(reads).hasValue(2);
        }
    }

    @Test
    void missesWhileAReadIsUnderWayShareIt() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (StoreSnapshot<Integer> s = snapshot()) {
            stored.set(5);
            readGate = new CountDownLatch(1);
            List<Future<Integer>> misses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                misses.add(callers.submit(s::afterMiss));
            }
            Thread.sleep(100); // every caller is waiting on the one read
            readGate.countDown();
            for (Future<Integer> m : misses) {
                assertThat(m.get(5, TimeUnit.SECONDS)).isEqualTo(5);
            }
            assertThat(reads).as("eight misses, one read").hasValue(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aMissWaitsForAHungStoreOnlyBoundedlyAndKeepsTheLastValue() {
        try (StoreSnapshot<Integer> s = snapshot()) {
            readGate = new CountDownLatch(1); // the store hangs
            stored.set(9);
            long t0 = System.nanoTime();
            assertThat(s.afterMiss()).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(StoreSnapshot.MISS_WAIT.plusSeconds(2));
            readGate.countDown();
        }
    }

    @Test
    void aReloadOnRequestIsReadBeforeItReturnsAndAFailedOneKeepsTheLastValue() {
        try (StoreSnapshot<Integer> s = snapshot()) {
            stored.set(7);
            assertThat(s.reloadNow(Duration.ofSeconds(5))).isTrue();
            assertThat(s.current()).isEqualTo(7);
            storeDown.set(true);
            assertThat(s.reloadNow(Duration.ofSeconds(5))).isTrue();
            assertThat(s.current()).as("a store hiccup does not lock everyone out").isEqualTo(7);
        }
    }
}
