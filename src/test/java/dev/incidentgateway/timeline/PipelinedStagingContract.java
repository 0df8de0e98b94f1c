package dev.incidentgateway.timeline;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer stages a group while the previous one is still being written (TimelineWriter, "Pipelined"): the staged
 * group must see the group in flight as done — its events for idempotency, its correlation keys, its views and its
 * place in both hash chains — and both must then commit as one log.
 */
abstract class PipelinedStagingContract extends CorrelatedEscalationContract {
    private static final String PREFIX = "dev.incidentgateway";

    @Test
    void aGroupStagedOnTheGroupInFlightSeesItsEventsKeysViewsAndHashes() throws SQLException {
        WriterMemory memory = memoryOfAPlainCommit();
        ExactKeyCorrelator correlator = new ExactKeyCorrelator();
        String key = "pipe:" + newId();
        try (Connection reads1 = dataSource.getConnection(); Connection reads2 = dataSource.getConnection()) {
            AppendTransaction inFlight = AppendTransaction.onKnownHead(reads1, dialect, memory, PREFIX, correlator,
                    testStore.chainKey(), null);
            inFlight.prefetch(List.of(List.of(firing(key, "t1"))));
            TimelineEvent declared = inFlight.apply(List.of(firing(key, "t1"))).get(0).event();
            inFlight.seal();

            AppendTransaction next = AppendTransaction.onKnownHead(reads2, dialect, memory, PREFIX, correlator,
                    testStore.chainKey(), inFlight);
            NewEvent ack = NewEvent.builder(EventType.ACK, "bob").incident(declared.incidentId()).build();
            next.prefetch(List.of(List.of(firing(key, "t1")), List.of(firing(key, "t2")), List.of(ack)));
            AppendOutcome again = next.apply(List.of(firing(key, "t1"))).get(0);
            AppendOutcome repeat = next.apply(List.of(firing(key, "t2"))).get(0);
            TimelineEvent acked = next.apply(List.of(ack)).get(0).event();
            next.seal();

            assertThat(again.kind()).isEqualTo(AppendOutcome.Kind.DUPLICATE);
            assertThat(again.event().id()).isEqualTo(declared.id());
            assertThat(repeat.kind()).isEqualTo(AppendOutcome.Kind.CORRELATED);
            assertThat(repeat.incidentId()).isEqualTo(declared.incidentId());
            assertThat(acked.seq()).isEqualTo(2);
            assertThat(acked.prevHash()).isEqualTo(declared.hash());

            commitAlone(inFlight, memory);
            commitAlone(next, memory);
        }
        Incident incident = store.incident(declared(key)).orElseThrow();
        assertThat(incident.lastSeq()).isEqualTo(2);
        assertThat(incident.status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(incident.alertRepeats()).isEqualTo(2); // the re-sent alert and the new firing of its key
        assertThat(store.verifier().verify(incident.id()).intact()).isTrue();
        GlobalChainVerifier.Report report = new GlobalChainVerifier(dataSource, testStore.chainKey()).verify(List.of());
        assertThat(report.intact()).as(report.toString()).isTrue();
    }

    /** Declared and resolved by the group in flight, reopened by the next: the key it bound is bound again. */
    @Test
    void aReopenStagedOnTheGroupInFlightBindsTheKeyThatGroupReleased() throws SQLException {
        WriterMemory memory = memoryOfAPlainCommit();
        ExactKeyCorrelator correlator = new ExactKeyCorrelator();
        String key = "pipe:" + newId();
        String incident;
        try (Connection reads1 = dataSource.getConnection(); Connection reads2 = dataSource.getConnection()) {
            AppendTransaction inFlight = AppendTransaction.onKnownHead(reads1, dialect, memory, PREFIX, correlator,
                    testStore.chainKey(), null);
            List<NewEvent> fireAndClear = List.of(firing(key, "t1"), resolved(key, "t2"));
            inFlight.prefetch(List.of(fireAndClear));
            incident = inFlight.apply(fireAndClear).get(0).incidentId();
            inFlight.seal();

            AppendTransaction next = AppendTransaction.onKnownHead(reads2, dialect, memory, PREFIX, correlator,
                    testStore.chainKey(), inFlight);
            List<NewEvent> reopen = List.of(stateChange(incident, "acknowledged"));
            next.prefetch(List.of(reopen, List.of(firing(key, "t3"))));
            next.apply(reopen);
            AppendOutcome repeat = next.apply(List.of(firing(key, "t3"))).get(0);
            next.seal();
            assertThat(repeat).extracting(AppendOutcome::kind, AppendOutcome::incidentId)
                    .containsExactly(AppendOutcome.Kind.CORRELATED, incident);

            commitAlone(inFlight, memory);
            commitAlone(next, memory);
        }
        assertThat(declared(key)).as("committed: the key names the reopened incident").isEqualTo(incident);
    }

    /**
     * While the writer never runs dry, each group is staged on the one before it. A sealed group must not keep that one
     * reachable: the chain reached back to the writer's last idle moment, and a sustained flood of appends filled
     * -Xmx256m after about 300k of them (issue 13, session 48).
     */
    @Test
    void aSealedGroupDoesNotKeepTheGroupItWasStagedOnReachable() throws Exception {
        WriterMemory memory = memoryOfAPlainCommit();
        ExactKeyCorrelator correlator = new ExactKeyCorrelator();
        String key = "chain:" + newId();
        try (Connection reads1 = dataSource.getConnection(); Connection reads2 = dataSource.getConnection();
             Connection reads3 = dataSource.getConnection()) {
            AppendTransaction first = staged(reads1, memory, correlator, null, firing(key, "t1"));
            AppendTransaction second = staged(reads2, memory, correlator, first, firing(key, "t2"));
            commitAlone(first, memory); // committed before the next group is handed over, as the writer does
            java.lang.ref.WeakReference<AppendTransaction> firstGroup = new java.lang.ref.WeakReference<>(first);
            first = null;
            AppendTransaction third = staged(reads3, memory, correlator, second, firing(key, "t3"));

            org.awaitility.Awaitility.await("the first group collected, once the second one (staged on it) is sealed")
                    .atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> {
                        System.gc();
                        return firstGroup.get() == null;
                    });

            commitAlone(second, memory);
            commitAlone(third, memory);
        }
        Incident incident = store.incident(declared(key)).orElseThrow();
        assertThat(incident.alertRepeats()).as("the two later firings counted on the incident the first declared").isEqualTo(2);
        assertThat(store.verifier().verify(incident.id()).intact()).isTrue();
        GlobalChainVerifier.Report report = new GlobalChainVerifier(dataSource, testStore.chainKey()).verify(List.of());
        assertThat(report.intact()).as(report.toString()).isTrue();
    }

    /** One request staged on {@code inFlight} (or the memory's head) and sealed. */
    private AppendTransaction staged(Connection reads, WriterMemory memory, Correlator correlator, AppendTransaction inFlight,
                                     NewEvent event) throws SQLException {
        AppendTransaction tx = AppendTransaction.onKnownHead(reads, dialect, memory, PREFIX, correlator, testStore.chainKey(), inFlight);
        tx.prefetch(List.of(List.of(event)));
        tx.apply(List.of(event));
        tx.seal();
        return tx;
    }

    @Test
    void aGroupOfMoreEventsThanOneArrayStatementTakesIsWrittenWhole() throws SQLException {
        String id = newId();
        store.append(declare(id));
        List<NewEvent> notes = java.util.stream.IntStream.range(0, 80).mapToObj(i -> event(id, EventType.NOTE)).toList();
        store.appendAll(notes); // one request, one group of 80 events, staged on the head the declare left
        assertThat(store.timeline(id, null, 1000)).extracting(TimelineEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 81).boxed().toList());
        assertThat(store.incident(id).orElseThrow().lastSeq()).isEqualTo(81);
        assertThat(store.verifier().verify(id).intact()).isTrue();
    }

    @Test
    void aGroupTheStoreRefusesIsRetriedRequestByRequestAndOnlyTheBadOneFails() throws Exception {
        // A listener that fails the transaction of any group holding the poisoned note stands for a row the database
        // refuses: the group (staged and written on the pipelined path once the head is known) is retried one request
        // at a time, so only the poisoned request fails and everything queued with it commits, in order.
        AppendListener refusing = new AppendListener() {
            @Override
            public void inTransaction(Connection c, List<TimelineEvent> events, java.util.Map<String, Incident> views,
                                      java.util.Map<String, IncidentStatus> statusAfter) throws SQLException {
                if (events.stream().anyMatch(e -> "poison".equals(e.content()))) {
                    throw new SQLException("refused by the test", "23514");
                }
            }
        };
        String id = newId();
        try (TimelineStore refusingStore = new TimelineStore(dataSource, dialect, PREFIX, 256, 10_000,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), testStore.chainKey(), List.of(refusing))) {
            refusingStore.append(declare(id));
            List<java.util.concurrent.CompletableFuture<List<AppendOutcome>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                NewEvent note = NewEvent.builder(EventType.NOTE, "bob").incident(id).content(i == 17 ? "poison" : "n" + i).build();
                futures.add(refusingStore.appendAllAsync(List.of(note)));
            }
            for (int i = 0; i < futures.size(); i++) {
                java.util.concurrent.CompletableFuture<List<AppendOutcome>> f = futures.get(i);
                if (i == 17) {
                    assertThat(f).failsWithin(java.time.Duration.ofSeconds(30))
                            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                            .withCauseInstanceOf(StoreUnavailableException.class);
                } else {
                    assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS).get(0).kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
                }
            }
        }
        assertThat(store.timeline(id, null, 100)).extracting(TimelineEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(store.timeline(id, null, 100)).extracting(TimelineEvent::content).doesNotContain("poison");
        assertThat(store.verifier().verify(id).intact()).isTrue();
    }

    /**
     * A group whose events move only their incidents' heads (notes) writes just the views' head columns, not whole rows
     * (ViewChanges: the whole-row upsert was most of the view write's cost per note); a group with a state change still
     * writes that view whole. Staged on the known head (on PostgreSQL: in the lock's round trip) and under the lock (the
     * plain path); either way every view stays the projection of its log.
     */
    @Test
    void notesWriteOnlyTheViewsHeadsAndEveryViewStaysTheProjectionOfItsLog() throws SQLException {
        String a = newId();
        String b = newId();
        String c = newId();
        List.of(a, b, c).forEach(id -> store.append(declare(id)));
        WriterMemory memory = memoryOfAPlainCommit();
        List<String> notesOnly = writeGroup(memory, true, List.of(List.of(event(a, EventType.NOTE)),
                List.of(event(b, EventType.NOTE), event(b, EventType.NOTE))));
        List<String> withAck = writeGroup(memory, true, List.of(List.of(event(a, EventType.NOTE)), List.of(event(c, EventType.ACK))));
        List<String> underLock = writeGroup(memory, false, List.of(List.of(event(a, EventType.NOTE)), List.of(event(b, EventType.NOTE))));

        assertThat(String.join("\n", notesOnly)).containsIgnoringCase("UPDATE incidents")
                .doesNotContainIgnoringCase("INTO incidents");
        assertThat(String.join("\n", underLock)).containsIgnoringCase("UPDATE incidents")
                .doesNotContainIgnoringCase("INTO incidents");
        assertThat(String.join("\n", withAck)).containsIgnoringCase("UPDATE incidents").containsIgnoringCase("INTO incidents");
        for (String id : List.of(a, b, c)) {
            Incident projected = null;
            for (TimelineEvent e : store.timeline(id, null, 100)) {
                projected = IncidentProjection.apply(projected, e);
            }
            assertThat(store.incident(id)).contains(projected);
        }
        assertThat(store.incident(a).orElseThrow().lastSeq()).isEqualTo(4);
        assertThat(store.incident(b).orElseThrow().lastSeq()).isEqualTo(4);
        assertThat(store.incident(c).orElseThrow().status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        GlobalChainVerifier.Report report = new GlobalChainVerifier(dataSource, testStore.chainKey()).verify(List.of());
        assertThat(report.intact()).as(report.toString()).isTrue();
    }

    /** Stages {@code requests} as one group (on the known head, or under the lock) and commits it: the SQL it prepared. */
    private List<String> writeGroup(WriterMemory memory, boolean onKnownHead, List<List<NewEvent>> requests) throws SQLException {
        List<String> prepared = new java.util.ArrayList<>();
        try (Connection reads = dataSource.getConnection(); Connection w = dataSource.getConnection()) {
            Connection writes = recording(w, prepared);
            AppendTransaction tx = onKnownHead
                    ? AppendTransaction.onKnownHead(reads, dialect, memory, PREFIX, new ExactKeyCorrelator(), testStore.chainKey(), null)
                    : AppendTransaction.underLock(writes, dialect, memory, PREFIX, new ExactKeyCorrelator(), testStore.chainKey());
            tx.prefetch(requests);
            for (List<NewEvent> request : requests) {
                tx.apply(request);
            }
            tx.seal();
            writes.setAutoCommit(false);
            tx.write(writes);
            writes.commit();
            memory.committed(tx.changedViews(), tx.headAfter());
        }
        return prepared;
    }

    /** {@code connection}, noting the text of every statement prepared through it. */
    private static Connection recording(Connection connection, List<String> prepared) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        prepared.add((String) args[0]);
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A log that is not empty, whatever ran before, and the plain path once: the head the memory then knows. */
    private WriterMemory memoryOfAPlainCommit() throws SQLException {
        store.append(declare(newId()));
        WriterMemory memory = new WriterMemory();
        try (Connection c = dataSource.getConnection()) {
            AppendTransaction first = AppendTransaction.underLock(c, dialect, memory, PREFIX, new ExactKeyCorrelator(),
                    testStore.chainKey());
            first.seal();
            first.write(c);
            c.commit();
            memory.committed(first.changedViews(), first.headAfter());
        }
        return memory;
    }

    private String declared(String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return new ExactKeyCorrelator().openIncidents(c, List.of(key)).get(key);
        }
    }

    private void commitAlone(AppendTransaction tx, WriterMemory memory) throws SQLException {
        try (Connection w = dataSource.getConnection()) {
            w.setAutoCommit(false);
            tx.write(w);
            w.commit();
            memory.committed(tx.changedViews(), tx.headAfter());
        }
    }
}
