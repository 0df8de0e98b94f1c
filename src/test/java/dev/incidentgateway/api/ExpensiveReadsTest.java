package dev.incidentgateway.api;

import dev.incidentgateway.timeline.StoreUnavailableException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpensiveReadsTest {
    private final ApiRequest request = new ApiRequest(new DefaultExchange(new DefaultCamelContext()));

    @Test
    void whileTheStoreIsKnownDownAReadIsRefusedBeforeItRunsAndHoldsNoSlot() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        ExpensiveReads reads = new ExpensiveReads(1, () -> {
            if (down.get()) {
                throw new StoreUnavailableException("the store does not answer (health probe)", null);
            }
        });
        AtomicInteger ran = new AtomicInteger();
        ApiEndpoint.Handler scan = reads.bounded(r -> {
            ran.incrementAndGet();
            return null;
        });

        for (int i = 0; i < 3; i++) { // more than the one slot: a refused read must not keep it
            assertThatThrownBy(() -> scan.handle(request)).isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(ran).as("no scan reaches the pool of a store known not to answer").hasValue(0);

        down.set(false);
        scan.handle(request);
        assertThat(ran).as("the slot is free again once the store answers").hasValue(1);
    }
}
