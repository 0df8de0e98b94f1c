package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.RouteTestStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A machine sender's batch ({@link AppendMode#SENDER_BATCH}) refused whole after items were left out of it. */
class SenderBatchTest {
    @Test
    void aRefusalOfTheWholeBatchNamesTheItemByItsPlaceInTheSendersRequest() {
        try (RouteTestStore s = new RouteTestStore()) {
            TimelineStore store = s.store();
            store.append(NewEvent.builder(EventType.DECLARE, "alice").incident("SB-1").title("Checkout failing").build());
            // The second ack only repeats the state: left out (ignored). The note then expects the seq the first ack moved on.
            List<NewEvent> batch = List.of(
                    NewEvent.builder(EventType.ACK, "bob").incident("SB-1").build(),
                    NewEvent.builder(EventType.ACK, "bob").incident("SB-1").build(),
                    NewEvent.builder(EventType.NOTE, "bob").incident("SB-1").content("stale").expectedSeq(1L).build());

            CompletionException failed = catchThrowableOfType(CompletionException.class,
                    () -> store.appendAllAsync(batch, AppendMode.SENDER_BATCH).join());

            assertThat(failed.getCause()).isInstanceOf(SeqConflictException.class);
            assertThat(((AppendRejectedException) failed.getCause()).index()).as("the note's place in the sender's batch").isEqualTo(2);
            assertThat(store.incident("SB-1").orElseThrow().lastSeq()).as("nothing of the batch stored").isEqualTo(1);
        }
    }
}
