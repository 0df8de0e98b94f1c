package dev.incidentgateway.transport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One caller holds at most its bound, others are not affected, and everything given back leaves no entry behind. */
class HeldPerCallerTest {

    @Test
    void aCallerHoldsAtMostItsBoundAndGetsASlotBackOnRelease() {
        HeldPerCaller held = new HeldPerCaller(2);
        assertThat(held.tryAcquire("ops")).isTrue();
        assertThat(held.tryAcquire("ops")).isTrue();
        assertThat(held.tryAcquire("ops")).as("over the bound").isFalse();
        assertThat(held.held("ops")).as("a refusal counts nothing").isEqualTo(2);
        assertThat(held.tryAcquire("ci")).as("another caller has its own share").isTrue();

        held.release("ops");
        assertThat(held.tryAcquire("ops")).isTrue();
    }

    @Test
    void aCallerHoldingNothingLeavesNoEntry() {
        HeldPerCaller held = new HeldPerCaller(3);
        held.tryAcquire("ops");
        held.tryAcquire("ops");
        held.release("ops");
        held.release("ops");
        assertThat(held.callers()).isZero();

        held.release("ops"); // one release too many (a bug elsewhere) must not leave a negative count that admits more
        assertThat(held.callers()).isZero();
        assertThat(IntStream.range(0, 4).filter(i -> held.tryAcquire("ops")).count()).isEqualTo(3);
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new HeldPerCaller(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyThreadsNeverHoldMoreThanTheBoundAndEndWithNothingHeld() throws Exception {
        int max = 3;
        List<String> callers = List.of("ops", "ci", "alertmanager");
        HeldPerCaller held = new HeldPerCaller(max);
        AtomicIntegerArray inside = new AtomicIntegerArray(callers.size());
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger mostCounted = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> running = IntStream.range(0, 16).<Future<?>>mapToObj(t -> threads.submit(() -> {
                for (int i = 0; i < 5_000; i++) {
                    int c = (t + i) % callers.size();
                    String caller = callers.get(c);
                    if (!held.tryAcquire(caller)) {
                        refused.incrementAndGet();
                        continue;
                    }
                    acquired.incrementAndGet();
                    mostInside.accumulateAndGet(inside.incrementAndGet(c), Math::max);
                    mostCounted.accumulateAndGet(held.held(caller), Math::max);
                    Thread.onSpinWait();
                    inside.decrementAndGet(c);
                    held.release(caller);
                }
            })).toList();
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(mostInside.get()).as("callers inside at once").isLessThanOrEqualTo(max);
        assertThat(mostCounted.get()).isLessThanOrEqualTo(max);
        assertThat(acquired.get() + refused.get()).isEqualTo(16 * 5_000);
        assertThat(held.callers()).as("everything given back: no entry left").isZero();
        callers.forEach(c -> assertThat(held.held(c)).isZero());
    }
}
