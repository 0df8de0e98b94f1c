package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify against the incident views an admin changed, on each kind of store (H2 and PostgreSQL subclasses): every view
 * column named against its log, view rows deleted or made up, status counts, pages of any size, alert_repeats (not
 * covered).
 */
abstract class AuditChainViewsContract extends AuditChainHarness {
    /** A-1 acknowledged with a commander, B-1 and C-1 declared with notes: the views a tampering test changes. */
    void appendWorkloadWithAckAndCommander() {
        appendWorkload();
        store.append(NewEvent.builder(EventType.ACK, "bob").incident("A-1").build());
        store.append(NewEvent.builder(EventType.ROLE_ASSIGN, "bob").incident("A-1")
                .data(data().put("role", "commander").put("assignee", "carol")).build());
    }

    /** The runtime role may UPDATE incidents on PostgreSQL (the writer keeps the view), so only verify can tell. */
    @Test
    void everyViewColumnChangedBehindTheGatewayIsNamedAgainstItsLog() throws Exception {
        startGateway();
        appendWorkloadWithAckAndCommander();
        TimelineEvent declareOfB = store.timeline("B-1", null, 1).get(0);
        asAdmin("UPDATE incidents SET status = 'closed', severity = 'sev4', title = 'benign', commander = 'mallory' WHERE id = 'A-1'",
                "UPDATE incidents SET declared_at = declared_at + INTERVAL '1' HOUR, acknowledged_at = declared_at WHERE id = 'B-1'");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("incident A-1 at seq 6")
                .contains("view status is 'closed', its log gives 'acknowledged'")
                .contains("view severity is 'sev4', its log gives 'sev2'")
                .contains("view title is 'benign', its log gives 'Checkout failing'")
                .contains("view commander is 'mallory', its log gives 'carol'")
                .contains("incident B-1 at seq 4").contains("view declared_at is '" + declareOfB.eventTime().plusSeconds(3600)
                        + "', its log gives '" + declareOfB.eventTime() + "'")
                .contains("view acknowledged_at is '" + declareOfB.eventTime() + "', its log gives none (NULL)") // SET reads the old row
                .contains("incident_status_counts says 1 incidents are 'acknowledged', the incidents view has 0")
                .doesNotContain("incident C-1");
        ChainVerifier.Report one = store.verifier().verify("A-1");
        assertThat(one.intact()).isFalse();
        assertThat(one.broken()).extracting(ChainVerifier.BrokenLink::reason).hasSize(4)
                .contains("view status is 'closed', its log gives 'acknowledged'");
        assertThat(store.verifier().verify("C-1").intact()).isTrue();

        new ViewRebuilder(dataSource, dialect).rebuild(); // the repair: the views (and counts) the log gives
        Run repaired = verify();
        assertThat(repaired.exit()).as(repaired.output()).isZero();
    }

    @Test
    void aViewRowDeletedOrMadeUpAndChangedStatusCountsAreDetected() throws Exception {
        startGateway();
        appendWorkload();
        Incident madeUp = new Incident("Z-9", "made up", Severity.SEV1, IncidentStatus.DECLARED, null, java.time.Instant.now(),
                null, null, null, null, "01J00000000000000000000000", 1, "ab".repeat(32), 0);
        admin.asAdmin(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                TimelineRows.bindIncident(ps, madeUp);
                ps.executeUpdate();
            }
        });
        asAdmin("DELETE FROM incidents WHERE id = 'C-1'", "UPDATE incident_status_counts SET incidents = 7 WHERE status = 'closed'");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("incident C-1 at seq 4 (event " + store.timeline("C-1", null, 10).get(3).id()
                        + "): the log has 4 events of this incident and the incidents view has no row for it")
                .contains("incident Z-9 at seq 1: the incident's view says its last event is seq 1 but none of its events is in the log")
                .contains("incident_status_counts says 7 incidents are 'closed', the incidents view has 0")
                .doesNotContain("incident A-1").doesNotContain("incident B-1");
    }

    /** The views are read a page at a time: every page size finds the same, also at the pages' edges and after the last. */
    @Test
    void pagesOfAnySizeFindTheSameProblems() throws Exception {
        startGateway();
        appendWorkload();
        for (String id : List.of("D-1", "E-1", "F-1")) {
            store.append(declare(id));
        }
        for (int size : List.of(1, 2, 3, 1000)) {
            assertThat(new ChainVerifier(dataSource, audit.chainKey(), size).verifyAll()).as("page size %d", size)
                    .satisfies(r -> assertThat(r.intact()).isTrue()).satisfies(r -> assertThat(r.incidents()).isEqualTo(6))
                    .satisfies(r -> assertThat(r.events()).isEqualTo(15));
        }
        Incident madeUp = new Incident("C-2", "made up", Severity.SEV1, IncidentStatus.DECLARED, null, java.time.Instant.now(),
                null, null, null, null, "01J00000000000000000000000", 1, "ab".repeat(32), 0);
        admin.asAdmin(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                TimelineRows.bindIncident(ps, madeUp);
                ps.executeUpdate();
            }
        });
        asAdmin("DELETE FROM incidents WHERE id = 'B-1'", "DELETE FROM incidents WHERE id = 'F-1'",
                "UPDATE incidents SET title = 'benign' WHERE id = 'E-1'", "UPDATE incidents SET title = 'benign' WHERE id = 'A-1'");

        ChainVerifier.Report onePage = new ChainVerifier(dataSource, audit.chainKey(), 1000).verifyAll();
        assertThat(onePage.broken()).extracting(ChainVerifier.BrokenLink::incidentId).containsExactly("A-1", "B-1", "C-2", "E-1", "F-1");
        assertThat(onePage.incidents()).isEqualTo(7);
        for (int size : List.of(1, 2, 3)) {
            assertThat(new ChainVerifier(dataSource, audit.chainKey(), size).verifyAll()).as("page size %d", size).isEqualTo(onePage);
        }
    }

    /** alert_repeats counts repeats absorbed without an event: nothing in the log to check it against (README says so). */
    @Test
    void alertRepeatsAreNotCoveredByVerify() throws Exception {
        startGateway();
        appendWorkload();
        asAdmin("UPDATE incidents SET alert_repeats = 42 WHERE id = 'A-1'");
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
    }


    static com.fasterxml.jackson.databind.node.ObjectNode data() {
        return JsonNodeFactory.instance.objectNode();
    }
}
