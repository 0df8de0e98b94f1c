package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit hash chain and the rebuild of views, on each kind of store. */
abstract class AuditAndRebuildContract extends ConcurrentWritersContract {

    @Test
    void verifierFindsARowChangedBehindTheStoresBack() throws SQLException {
        String id = newId();
        store.append(declare(id));
        store.append(event(id, EventType.ACK));
        TimelineEvent second = store.append(NewEvent.builder(EventType.NOTE, "bob").incident(id).content("all good").build()).event();
        store.append(event(id, EventType.RESOLVE));
        ChainVerifier verifier = store.verifier();
        assertThat(verifier.verify(id).intact()).isTrue();

        tamper("UPDATE timeline_events SET content = 'nothing to see' WHERE id = '" + second.id() + "'");

        ChainVerifier.Report report = verifier.verify(id);
        assertThat(report.intact()).isFalse();
        assertThat(report.broken()).singleElement().satisfies(link -> {
            assertThat(link.incidentId()).isEqualTo(id);
            assertThat(link.seq()).isEqualTo(3);
            assertThat(link.eventId()).isEqualTo(second.id());
            assertThat(link.reason()).contains("hash does not match");
        });
        assertThat(verifier.verifyAll().broken()).extracting(ChainVerifier.BrokenLink::incidentId).contains(id);
    }

    @Test
    void verifierFindsARemovedLastEvent() throws SQLException {
        String id = newId();
        store.append(declare(id));
        TimelineEvent last = store.append(event(id, EventType.ACK)).event();
        tamper("DELETE FROM timeline_events WHERE id = '" + last.id() + "'");
        ChainVerifier.Report report = store.verifier().verify(id);
        assertThat(report.broken()).singleElement().satisfies(link -> assertThat(link.reason()).contains("removed"));
    }

    /**
     * The verifier reads the log, then the views: it must see both as of one moment. With a snapshot per table (H2's
     * REPEATABLE READ) a view row committed after the log was read names a head the log read did not have, and an intact
     * chain was reported as "events removed".
     */
    @Test
    void verifyingWhileAppendsCommitFindsNothingBroken() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = newId();
            store.append(declare(id));
            ids.add(id);
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (String id : ids) {
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    store.append(NewEvent.builder(EventType.NOTE, "w").incident(id).content("n").build());
                }
            });
            writer.start();
            writers.add(writer);
        }
        try {
            for (int round = 0; round < 30; round++) {
                ChainVerifier.Report all = store.verifier().verifyAll(); // other tests of the class tamper with their own
                assertThat(all.broken()).filteredOn(link -> ids.contains(link.incidentId())).as("round %d, all incidents", round)
                        .isEmpty();
                ChainVerifier.Report one = store.verifier().verify(ids.get(round % ids.size()));
                assertThat(one.broken()).as("round %d, one incident", round).isEmpty();
            }
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
        }
    }

    @Test
    void rebuiltViewsEqualTheIncrementalOnesAfterARandomWorkload() throws SQLException {
        Random random = new Random(42);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = newId();
            ids.add(id);
            store.append(declare(id));
        }
        EventType[] types = EventType.values();
        int accepted = 0;
        for (int i = 0; i < 500; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            EventType type = types[random.nextInt(types.length)];
            NewEvent e = switch (type) {
                case STATE_CHANGE -> severityOrStatusChange(id, random);
                case ROLE_ASSIGN -> NewEvent.builder(type, "r").incident(id).data(JsonNodeFactory.instance.objectNode()
                        .put("role", random.nextBoolean() ? "commander" : "scribe").put("assignee", "u" + random.nextInt(5))).build();
                case DECLARE -> declare(id);
                default -> event(id, type);
            };
            try {
                store.append(e);
                accepted++;
            } catch (TransitionRefusedException refused) {
                // the workload is random on purpose: refusals are part of it
            }
        }
        assertThat(ids.stream().map(id -> store.incident(id).orElseThrow().severity()).distinct().count())
                .as("severities changed").isGreaterThanOrEqualTo(3);
        assertThat(accepted).isGreaterThan(100);
        Map<String, Incident> incremental = new HashMap<>();
        ids.forEach(id -> incremental.put(id, store.incident(id).orElseThrow()));
        assertThat(incremental.values().stream().map(Incident::status).distinct().count()).isGreaterThanOrEqualTo(3);
        assertThat(incremental.values()).extracting(Incident::status).contains(IncidentStatus.CLOSED);

        assertThat(statusCounts()).as("counts kept by the writer, refused requests included")
                .isEqualTo(countedFromTheView()).containsKeys("declared", "closed");

        ViewRebuilder rebuilder = new ViewRebuilder(dataSource, dialect);
        Map<String, Incident> computed = rebuilder.computeViews();
        ids.forEach(id -> assertThat(computed.get(id)).isEqualTo(incremental.get(id)));

        // Corrupt the view, rebuild, and it is equal again.
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE incidents SET status = 'declared', severity = 'sev4', commander = NULL, last_seq = 0");
        }
        assertThat(statusCounts()).isNotEqualTo(countedFromTheView());
        rebuilder.rebuild();
        ids.forEach(id -> assertThat(store.incident(id).orElseThrow()).isEqualTo(incremental.get(id)));
        assertThat(statusCounts()).as("counted again by the rebuild").isEqualTo(countedFromTheView());
    }

    /** A state_change to a random status, a random severity, or both. */
    private static NewEvent severityOrStatusChange(String id, Random random) {
        int kind = random.nextInt(3);
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (kind != 1) {
            data.put("to", IncidentStatus.values()[random.nextInt(5)].wireName());
        }
        if (kind != 0) {
            data.put("severity", Severity.values()[random.nextInt(4)].wireName());
        }
        return NewEvent.builder(EventType.STATE_CHANGE, "bob").incident(id).data(data).build();
    }

    /** incident_status_counts (what GET /api/v1/stats reads), statuses with incidents only. */
    Map<String, Long> statusCounts() throws SQLException {
        return counts("SELECT status, incidents FROM incident_status_counts WHERE incidents <> 0");
    }

    Map<String, Long> countedFromTheView() throws SQLException {
        return counts("SELECT status, COUNT(*) FROM incidents GROUP BY status");
    }

    private Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Changes the log with plain JDBC; on PostgreSQL the append-only trigger must first be shown to refuse it. */
    void tamper(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            if (dialect == dev.incidentgateway.store.SqlDialect.POSTGRESQL) {
                assertThatThrownBy(() -> s.executeUpdate(sql)).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
                s.execute("ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_no_update_delete");
                try {
                    s.executeUpdate(sql);
                } finally {
                    s.execute("ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_no_update_delete");
                }
            } else {
                assertThat(s.executeUpdate(sql)).isEqualTo(1);
            }
        }
    }
}
