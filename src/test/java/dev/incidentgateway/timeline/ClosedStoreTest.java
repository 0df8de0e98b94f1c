package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.RouteTestStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store used after {@link TimelineStore#close()} (a route or poller racing a shutdown) refuses appends as the store
 * being unavailable, the failure every caller maps to 503 + Retry-After, on both the waiting and the asynchronous path.
 */
class ClosedStoreTest {
    @Test
    void anAppendAfterCloseIsRefusedAsTheStoreBeingUnavailable() {
        try (RouteTestStore db = new RouteTestStore()) {
            TimelineStore store = db.store();
            store.close();
            List<NewEvent> declare = List.of(NewEvent.builder(EventType.DECLARE, "alice").incident("CLOSED-1")
                    .title("after close").severity(Severity.SEV2).build());
            assertThatThrownBy(() -> store.appendAllAsync(declare).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.appendAll(declare)).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
