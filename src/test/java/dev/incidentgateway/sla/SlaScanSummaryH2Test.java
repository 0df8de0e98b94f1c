package dev.incidentgateway.sla;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.TestStore;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped SLA tracker route logs one INFO line per scan for the notes it recorded, each note at DEBUG: a load run
 * that breached thousands of incidents had written one INFO line per note, nearly the whole log. H2 only (the route does
 * not depend on the store's kind).
 */
class SlaScanSummaryH2Test extends SlaStoreContract {
    private static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");

    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Test
    void aScanThatRecordsNotesLogsOneSummaryAtInfo() throws Exception {
        List<String> ids = List.of("SUMMARY-1", "SUMMARY-2", "SUMMARY-3");
        SlaTracker tracker = sev1DeclaredAMonthAgo(ids, T0);
        try (CapturedLogs logs = CapturedLogs.of(SlaTracker.class.getName()).atLevel(SlaTracker.class.getName(), Level.DEBUG)) {
            try (CamelContext camel = db.startTrackerRoute(tracker)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !info(logs).isEmpty());
                Thread.sleep(300); // a second summary, or per-note INFO lines, would follow within microseconds
            }
            // found breached a month late: a breach of both targets for each incident, no warnings
            assertThat(info(logs)).containsExactly("INFO SLA: recorded 6 breaches, 0 warnings (first: SUMMARY-1 time to acknowledge)");
            assertThat(logs.lines(e -> e.getLevel() == Level.DEBUG && e.getFormattedMessage().contains(" recorded"))).hasSize(6);
        }
        for (String id : ids) {
            assertThat(db.slaNotes(id, SlaTracker.BREACH, SlaTarget.ACKNOWLEDGE)).hasSize(1);
        }
    }

    private static List<String> info(CapturedLogs logs) {
        return logs.lines(e -> e.getLevel() == Level.INFO);
    }
}
