package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends from several threads, and from two store instances on one database (two gateways): seqs stay gapless, the audit
 * chain intact, and the Since feed sees each event once in its order. Part of the store contract's chain of classes that
 * share one store (TimelineStoreContract, this, AuditAndRebuildContract, …, the H2 and PostgreSQL subclasses).
 */
abstract class ConcurrentWritersContract extends TimelineStoreContract {
    @Test
    void concurrentWritersGetGaplessSeqsAndTheSinceFeedSeesEachEventOnce() throws Exception {
        String shared = newId();
        List<String> own = new java.util.ArrayList<>();
        store.append(declare(shared));
        for (int i = 0; i < 8; i++) {
            own.add(newId());
            store.append(declare(own.get(i)));
        }
        String start = store.since(null, 1000).stream().reduce((a, b) -> b).map(TimelineEvent::id).orElse(null);
        int perWriter = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread reader = new Thread(() -> {
            String after = start;
            boolean finalPass = false;
            while (true) {
                boolean done = !writing.get();
                List<TimelineEvent> page = store.since(after, 50);
                page.forEach(e -> seen.add(e.id()));
                if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).id();
                } else if (finalPass) {
                    return;
                } else if (done) {
                    finalPass = true; // one more read after the writers finished
                }
            }
        });
        reader.start();
        List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
        for (int w = 0; w < 16; w++) {
            String target = w < 8 ? shared : own.get(w - 8);
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    store.append(NewEvent.builder(EventType.NOTE, "writer").incident(target).content("n" + i).build());
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : futures) {
            f.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
        writing.set(false);
        reader.join(60_000);
        pool.shutdown();

        List<TimelineEvent> sharedEvents = store.timeline(shared, null, 1000);
        assertThat(sharedEvents).extracting(TimelineEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1 + 8L * perWriter).boxed().toList());
        List<String> written = new java.util.ArrayList<>(sharedEvents.subList(1, sharedEvents.size()).stream().map(TimelineEvent::id).toList());
        for (String id : own) {
            List<TimelineEvent> events = store.timeline(id, null, 1000);
            assertThat(events).extracting(TimelineEvent::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1 + perWriter).boxed().toList());
            events.subList(1, events.size()).forEach(e -> written.add(e.id()));
        }
        assertThat(written).hasSize(16 * perWriter).doesNotHaveDuplicates();
        assertThat(seen).doesNotHaveDuplicates().isSorted();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(written);
        assertThat(store.verifier().verify(shared).intact()).isTrue();
    }

    @Test
    void twoWritersOnOneDatabaseKeepTheSeqGaplessAndTheChainIntact() throws Exception {
        // A second store on the same database stands for a second gateway instance: each writer must
        // notice the other's appends (its remembered views are then stale) instead of reusing a seq.
        String id = newId();
        store.append(declare(id));
        try (TimelineStore other = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 256, 10_000,
                new SimpleMeterRegistry(), testStore.chainKey(), List.of())) {
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? store : other).append(event(id, EventType.NOTE));
            }
            if (dialect == SqlDialect.POSTGRESQL) { // the advisory lock serializes concurrent instances
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
                List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    TimelineStore target = t % 2 == 0 ? store : other;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            target.append(event(id, EventType.NOTE));
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : futures) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
                pool.shutdown();
            }
        }
        List<TimelineEvent> events = store.timeline(id, null, 1000);
        long expected = dialect == SqlDialect.POSTGRESQL ? 111 : 11;
        assertThat(events).extracting(TimelineEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, expected).boxed().toList());
        assertThat(events).extracting(TimelineEvent::id).isSorted();
        assertThat(store.verifier().verify(id).intact()).isTrue();
        assertThat(store.incident(id).orElseThrow().lastSeq()).isEqualTo(expected);
    }

    @Test
    void twoWritersAppendingToDifferentIncidentsKeepTheGlobalChainAndTheFeedOrder() throws Exception {
        // Each writer stages a group on the head its own last commit left (on PostgreSQL without taking the lock
        // first); when the other instance appended in between, even to another incident, that head is stale: the
        // group must be staged again under the lock, or its global hash would follow the wrong event.
        String mine = newId();
        String theirs = newId();
        store.append(declare(mine));
        try (TimelineStore other = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 256, 10_000,
                new SimpleMeterRegistry(), testStore.chainKey(), List.of())) {
            other.append(declare(theirs));
            for (int i = 0; i < 6; i++) {
                store.appendAll(List.of(event(mine, EventType.NOTE), event(mine, EventType.NOTE)));
                other.appendAll(List.of(event(theirs, EventType.NOTE), event(theirs, EventType.NOTE)));
            }
        }
        GlobalChainVerifier.Report report = new GlobalChainVerifier(dataSource, testStore.chainKey()).verify(List.of());
        assertThat(report.intact()).as(report.toString()).isTrue();
        assertThat(store.verifier().verify(mine).intact()).isTrue();
        assertThat(store.incident(mine).orElseThrow().lastSeq()).isEqualTo(13);
        assertThat(store.incident(theirs).orElseThrow().lastSeq()).isEqualTo(13);
        assertThat(store.timeline(theirs, null, 100)).extracting(TimelineEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 13).boxed().toList());
    }
}
