package dev.incidentgateway.sla;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped SLA tracker route while the store refuses appends: the scan stops at the first refused note and logs one
 * line, instead of trying (and logging) every due note. The route does not depend on the store's kind: H2 only.
 */
class SlaScanRefusedH2Test extends SlaStoreContract {
    private static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");
    private static final List<String> IDS = List.of("REFUSED-1", "REFUSED-2", "REFUSED-3");

    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Test
    void aScanWhoseAppendsTheStoreRefusesStopsAtTheFirstAndLogsOnce() throws Exception {
        // Three incidents declared a month ago and never acknowledged: a breach of both targets is due for each (found
        // breached, so without their warnings). The route appends through a closed pool: every append is refused as the store being unreachable.
        SlaTracker tracker = sev1DeclaredAMonthAgo(IDS, T0);
        HikariDataSource closed = StoreFactory.openAndMigrate(db.testStore.config());
        closed.close();
        TimelineStore refusing = db.newWriter(closed);
        try (CapturedLogs logs = CapturedLogs.root()) {
            try (CamelContext camel = db.startTrackerRoute(tracker, refusing)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> skipped(logs) > 0);
                Thread.sleep(300); // a split that went on after the first refusal logs the rest within microseconds
            } finally {
                refusing.close();
            }
            assertThat(tracker.dueNotes()).hasSize(6); // what the scan had to record: a breach × 2 targets × 3 incidents
            assertThat(skipped(logs)).isEqualTo(1);
        }
        for (String id : IDS) {
            assertThat(db.slaNotes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).isEmpty();
        }
    }

    private static long skipped(CapturedLogs logs) {
        return logs.events(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("SLA scan skipped")).size();
    }
}
