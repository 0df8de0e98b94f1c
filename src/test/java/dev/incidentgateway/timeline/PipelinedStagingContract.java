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
abstract class PipelinedStagingContract extends CorrelationContract {
    private static final String PREFIX = "dev.incidentgateway";

    @Test
    void aGroupStagedOnTheGroupInFlightSeesItsEventsKeysViewsAndHashes() throws SQLException {
        store.append(declare(newId())); // a log that is not empty, whatever ran before
        WriterMemory memory = new WriterMemory();
        ExactKeyCorrelator correlator = new ExactKeyCorrelator();
        try (Connection c = dataSource.getConnection()) { // the plain path once: the head the memory then knows
            AppendTransaction first = AppendTransaction.underLock(c, dialect, memory, PREFIX, correlator, testStore.chainKey());
            first.seal();
            List<TimelineEvent> none = first.write(c);
            c.commit();
            memory.committed(first.changedViews(), none, first.headAfter());
        }
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

    private String declared(String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return new ExactKeyCorrelator().openIncidents(c, List.of(key)).get(key);
        }
    }

    private void commitAlone(AppendTransaction tx, WriterMemory memory) throws SQLException {
        try (Connection w = dataSource.getConnection()) {
            w.setAutoCommit(false);
            List<TimelineEvent> written = tx.write(w);
            w.commit();
            memory.committed(tx.changedViews(), written, tx.headAfter());
        }
    }
}
