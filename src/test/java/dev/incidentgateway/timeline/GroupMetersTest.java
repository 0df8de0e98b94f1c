package dev.incidentgateway.timeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group commit on {@code /metrics}: every committed request is counted in exactly one group, with that group's commit time. */
class GroupMetersTest {

    @Test
    void everyCommittedRequestIsCountedInOneGroupWhoseCommitIsTimed() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config());
             TimelineStore store = new TimelineStore(ds, SqlDialect.H2, "dev.incidentgateway", 16, 100, meters,
                     testStore.chainKey(), List.of())) {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<CompletableFuture<AppendOutcome>> appends = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = "GM-" + i;
                    appends.add(CompletableFuture.supplyAsync(() -> store.append(NewEvent.builder(EventType.DECLARE, "alice")
                            .incident(id).title("t").severity(Severity.SEV3).build()), callers));
                }
                CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } finally {
                callers.shutdownNow();
            }
            // A refused request is answered from its group's transaction too: it counts in that group's size.
            assertThatThrownBy(() -> store.append(NewEvent.builder(EventType.DECLARE, "alice").incident("GM-0").title("again")
                    .severity(Severity.SEV3).build())).isInstanceOf(AppendRejectedException.class);

            DistributionSummary size = meters.get("gateway.append.group.size").summary();
            Timer commit = meters.get("gateway.append.group.commit").timer();
            assertThat(size.totalAmount()).isEqualTo(41);
            assertThat(size.count()).as("groups").isBetween(1L, 41L).isEqualTo(commit.count());
            assertThat(size.max()).isBetween(1.0, 16.0); // at most the writer's group limit
            assertThat(commit.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        }
    }
}
