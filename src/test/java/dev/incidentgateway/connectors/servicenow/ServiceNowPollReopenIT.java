package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.ExternalRefRecorder;
import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.incidentgateway.timeline.EventType.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record reopened in ServiceNow: its state says only where it is now, and the gateway's incident says it was
 * resolved, so an open state of a resolved incident's record is the gateway's reopen (state_change to acknowledged),
 * which the state machine accepts where it refused the ack.
 */
class ServiceNowPollReopenIT extends ServiceNowPollHarness {

    /** As the gateway: a record's declare stores its ref, so later polls know the incident (and its status) by id. */
    @Override
    List<AppendListener> listeners() {
        return List.of(new ExternalRefRecorder());
    }

    @Test
    void aRecordAPersonMovesBackFromResolvedReopensTheIncidentInsteadOfARefusedAck() throws Exception {
        ObjectNode rec = opened(ALICE, "Payments timeouts", "1", "2");
        String sysId = rec.path("sys_id").asText();
        String id = incidentOf(rec);
        fake.setNow(T0.plusSeconds(300));
        fake.updateAs("bob", sysId, resolvedFields());
        sync(); // declared and resolved in one poll
        assertThat(incident(id).resolvedAt()).isNotNull();

        fake.setNow(T0.plusSeconds(600));
        fake.updateAs("bob", sysId, fields().put("state", "2")); // Resolved → In Progress: not fixed after all
        List<AppendOutcome> outcomes = sync();
        assertThat(outcomes).noneMatch(o -> o.kind() == AppendOutcome.Kind.REFUSED);
        assertThat(types(id)).containsExactly(DECLARE, RESOLVE, STATE_CHANGE);
        TimelineEvent reopen = timeline(id).get(2);
        assertThat(reopen.stateChangeTarget()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(reopen.actor()).isEqualTo("bob");
        assertThat(reopen.source()).isEqualTo("/connectors/servicenow");
        assertThat(reopen.data().path("reason").asText()).isEqualTo("Reopened in ServiceNow " + rec.path("number").asText() + " (state 2)");
        assertThat(incident(id).status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(incident(id).resolvedAt()).as("cleared by the reopen").isNull();
        assertThat(sync()).as("the overlap reads the change again: its ack is the reopen's duplicate")
                .noneMatch(o -> o.kind() == AppendOutcome.Kind.REFUSED || o.kind() == AppendOutcome.Kind.APPENDED);

        fake.setNow(T0.plusSeconds(900));
        fake.updateAs("bob", sysId, resolvedFields());
        sync();
        fake.setNow(T0.plusSeconds(1200));
        fake.updateAs("dave", sysId, fields().put("state", "1")); // back to New: in the queue again, so not resolved
        sync();
        assertThat(types(id)).containsExactly(DECLARE, RESOLVE, STATE_CHANGE, RESOLVE, STATE_CHANGE);
        assertThat(incident(id).status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);

        fake.setNow(T0.plusSeconds(1500));
        fake.updateAs("bob", sysId, resolvedFields());
        sync();
        fake.setNow(T0.plusSeconds(1800));
        fake.updateAs(FakeServiceNow.USER, sysId, fields().put("state", "2")); // the gateway's own update
        assertThat(appended(sync())).as("the gateway's own change does not come back as a reopen").isZero();
        assertThat(incident(id).status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void aRecordOfTheGatewayMovedBackFromResolvedReopensItsIncident() throws Exception {
        ExternalRef ref = declaredInGateway("INC-21", true);
        AppendOutcome resolve = store.append(NewEvent.builder(EventType.RESOLVE, "carol").incident("INC-21").content("restarted the pool").build());
        fake.updateAs(FakeServiceNow.USER, ref.externalId(), resolvedFields()); // the sink's resolve ...
        recordOutboxRow("INC-21", resolve.event(), "delivered", T0.plusSeconds(1)); // ... and its outcome, as the relay records it
        sync();
        fake.setNow(T0.plusSeconds(60));
        fake.updateAs(ALICE, ref.externalId(), fields().put("state", "2"));
        sync();
        assertThat(types("INC-21")).containsExactly(DECLARE, RESOLVE, STATE_CHANGE);
        assertThat(incident("INC-21").status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    }

    /**
     * The gateway resolved the incident but ServiceNow has not heard of it yet (its delivery pending, e.g. ServiceNow
     * failing): the record is still In Progress, and a person's edit of it (a work note changes the record) is not a
     * reopen. Before, any edit in that window reopened the incident.
     */
    @Test
    void anEditOfARecordThatHasNotHeardOfTheResolveYetIsNoReopen() throws Exception {
        ExternalRef ref = declaredInGateway("INC-22", true);
        fake.updateAs(ALICE, ref.externalId(), fields().put("state", "2")); // In Progress: acknowledged here
        sync();
        AppendOutcome resolve = store.append(NewEvent.builder(EventType.RESOLVE, "carol").incident("INC-22").content("alert resolved").build());
        recordOutboxRow("INC-22", resolve.event(), "pending", null); // the resolve waits for ServiceNow

        fake.setNow(T0.plusSeconds(60));
        fake.updateAs(ALICE, ref.externalId(), fields().put("state", "2").put("work_notes", "still looking"));
        sync();
        assertThat(types("INC-22")).as("the work note is taken, the state is no reopen").containsExactly(DECLARE, ACK, RESOLVE, NOTE);
        assertThat(incident("INC-22").status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    /**
     * A page read just before the gateway's resolve was delivered: the record it holds (In Progress, changed at T0+60) is
     * older than the delivery (T0+90), so its open state is the past, not a person's reopen.
     */
    @Test
    void aRecordChangedBeforeTheResolveWasDeliveredIsNoReopen() throws Exception {
        ExternalRef ref = declaredInGateway("INC-23", true);
        fake.setNow(T0.plusSeconds(60));
        fake.updateAs(ALICE, ref.externalId(), fields().put("state", "2"));
        AppendOutcome resolve = store.append(NewEvent.builder(EventType.RESOLVE, "carol").incident("INC-23").content("fixed").build());
        recordOutboxRow("INC-23", resolve.event(), "delivered", T0.plusSeconds(90));
        sync();
        assertThat(types("INC-23")).doesNotContain(STATE_CHANGE);
        assertThat(incident("INC-23").status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    private void recordOutboxRow(String incidentId, TimelineEvent event, String status, java.time.Instant deliveredAt) throws Exception {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (connector, incident_id, event_id, event_seq, status, attempts, next_attempt_at, created_at, "
                        + "delivered_at) VALUES ('servicenow', ?, ?, ?, ?, 1, ?, ?, ?)")) {
            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
            ps.setString(1, incidentId);
            ps.setString(2, event.id());
            ps.setLong(3, event.seq());
            ps.setString(4, status);
            ps.setObject(5, now);
            ps.setObject(6, now);
            ps.setObject(7, deliveredAt == null ? null : java.time.OffsetDateTime.ofInstant(deliveredAt, java.time.ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }
}
