package dev.incidentgateway.timeline;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AppendCircuitBreakerTest {
    private final AtomicLong lastProbeSuccessStart = new AtomicLong(System.nanoTime() - 1_000_000_000L);
    private final AppendCircuitBreaker breaker = new AppendCircuitBreaker(3, lastProbeSuccessStart::get);

    @Test
    void opensAfterThresholdFailuresInARowAndClosesOnlyAfterAProbeThatStartedLaterSucceeded() {
        breaker.failed();
        breaker.failed();
        assertThat(breaker.allows()).isTrue();
        breaker.failed();
        assertThat(breaker.allows()).as("open after 3 in a row").isFalse();
        assertThat(breaker.allows()).isFalse();

        lastProbeSuccessStart.set(System.nanoTime());
        assertThat(breaker.allows()).as("a probe started after the opening succeeded").isTrue();
        assertThat(breaker.isOpen()).isFalse();
        breaker.failed();
        breaker.failed();
        assertThat(breaker.allows()).as("the count started again").isTrue();
    }

    @Test
    void aSuccessResetsTheCount() {
        breaker.failed();
        breaker.failed();
        breaker.succeeded();
        breaker.failed();
        breaker.failed();
        assertThat(breaker.allows()).isTrue();
    }

    /** What {@code gateway_store_circuit_open} reads: the state now, though no append asked since the store came back. */
    @Test
    void refusingEndsWhenTheStoreAnswersAgainWithoutAnAppendAsking() {
        assertThat(breaker.refusing()).isFalse();
        breaker.failed();
        breaker.failed();
        breaker.failed();
        assertThat(breaker.refusing()).isTrue();

        lastProbeSuccessStart.set(System.nanoTime());
        assertThat(breaker.isOpen()).as("closed only by the next append's allows()").isTrue();
        assertThat(breaker.refusing()).isFalse();
    }
}
