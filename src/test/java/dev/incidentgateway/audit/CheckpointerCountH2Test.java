package dev.incidentgateway.audit;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkpoint's event count, taken in ranges of ids (a single COUNT(*) over a million events outlasted the statement
 * timeout on a busy H2, issue 13): with ranges of 5 ids, counts that end inside and on a range's edge, and the next
 * count going on from the last one.
 */
class CheckpointerCountH2Test {

    @Test
    void theCountOverRangesIsTheNumberOfEventsAndTheNextCountGoesOnFromIt() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2)) {
            GatewayConfig config = testStore.config();
            try (HikariDataSource dataSource = StoreFactory.openAndMigrate(config);
                 TimelineStore store = new TimelineStore(dataSource, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)),
                         "dev.incidentgateway", 64, 1000, new SimpleMeterRegistry(), testStore.chainKey(), List.of())) {
                Checkpointer checkpointer = new Checkpointer(dataSource, CheckpointKeys.forGateway(config),
                        Path.of(config.get(AuditSettings.CHECKPOINT_FILE)), Clock.systemUTC(), 5, new SimpleMeterRegistry());
                declare(store, 0, 25);
                assertThat(checkpointer.checkpointIfMoved().orElseThrow().count()).isEqualTo(25); // five full ranges
                declare(store, 25, 7);
                assertThat(checkpointer.checkpointIfMoved().orElseThrow().count()).isEqualTo(32); // 25 + a range and a part
                declare(store, 32, 1);
                assertThat(checkpointer.checkpointIfMoved().orElseThrow().count()).isEqualTo(33);
            }
        }
    }

    private static void declare(TimelineStore store, int from, int count) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            events.add(NewEvent.builder(EventType.DECLARE, "alice").incident("CP-" + i).title("disk full")
                    .severity(Severity.SEV3).build());
        }
        store.appendAll(events);
    }
}
