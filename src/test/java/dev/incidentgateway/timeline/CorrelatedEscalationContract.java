package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A correlated alert more severe than its open incident escalates it (security review s35, finding 3: a write key's sev4
 * declare holding an alert's key hid a critical alert), in the transaction that counts the repeat, on each kind of store.
 */
abstract class CorrelatedEscalationContract extends CorrelationContract {
    private static final String ALERTMANAGER = "webhook:alertmanager";

    /** An Alertmanager firing as its mapper builds it: the sender's principal, source and idempotency id. */
    static NewEvent alert(String key, String startsAt, Severity severity) {
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title("DBDown: primary unreachable").severity(severity)
                .correlationKey(key).source("/webhooks/alertmanager").ceId(key + ":firing:" + startsAt).principal(ALERTMANAGER)
                .build();
    }

    /** What the reviewer sent with a write key: a harmless-looking sev4 incident holding the alert's key. */
    private String claimed(String key) {
        return store.append(NewEvent.builder(EventType.DECLARE, "m").title("harmless test").severity(Severity.SEV4)
                .correlationKey(key).principal("key:mallory").build()).incidentId();
    }

    @Test
    void aCriticalAlertEscalatesTheLowerIncidentHoldingItsKey() throws SQLException {
        String key = "alertmanager:fp-db-down-" + newId();
        String incident = claimed(key);
        long events = countEvents();

        AppendOutcome outcome = store.append(alert(key, "t1", Severity.SEV1));

        assertThat(outcome.kind()).isEqualTo(AppendOutcome.Kind.CORRELATED);
        assertThat(outcome.incidentId()).isEqualTo(incident);
        TimelineEvent change = outcome.event();
        assertThat(change).isNotNull();
        assertThat(change.type()).isEqualTo(EventType.STATE_CHANGE);
        assertThat(change.incidentId()).isEqualTo(incident);
        assertThat(change.seq()).isEqualTo(2);
        assertThat(change.principal()).as("the alert's sender, not the incident's").isEqualTo(ALERTMANAGER);
        assertThat(change.actor()).isEqualTo("alertmanager");
        assertThat(change.ceSource()).isEqualTo("/webhooks/alertmanager");
        assertThat(change.ceId()).isEqualTo(key + ":firing:t1" + CorrelatedEscalation.CE_ID_SUFFIX);
        assertThat(change.data().path("severity").asText()).isEqualTo("sev1");
        assertThat(change.data().path("previousSeverity").asText()).isEqualTo("sev4");
        assertThat(change.data().path("reason").asText())
                .isEqualTo("correlated alert from /webhooks/alertmanager: DBDown: primary unreachable");
        assertThat(countEvents()).isEqualTo(events + 1);

        Incident view = store.incident(incident).orElseThrow();
        assertThat(view.severity()).isEqualTo(Severity.SEV1);
        assertThat(view.alertRepeats()).as("still counted as a repeat").isEqualTo(1);
        assertThat(view.lastEventId()).isEqualTo(change.id());
        assertThat(store.incidents(java.util.Set.of(), java.util.Set.of(Severity.SEV1), 1000)).extracting(Incident::id).contains(incident);
        assertThat(store.verifier().verify(incident).broken()).isEmpty();
        new ViewRebuilder(dataSource, dialect).rebuild();
        assertThat(store.incident(incident).orElseThrow().severity()).as("the log holds it").isEqualTo(Severity.SEV1);
    }

    @Test
    void anEqualOrLowerSeverityOnlyCountsTheRepeat() throws SQLException {
        String key = "alertmanager:" + newId();
        String incident = store.append(alert(key, "t1", Severity.SEV2)).incidentId();
        long events = countEvents();

        AppendOutcome equal = store.append(alert(key, "t2", Severity.SEV2));
        AppendOutcome lower = store.append(alert(key, "t3", Severity.SEV4));

        assertThat(List.of(equal, lower)).allSatisfy(o -> {
            assertThat(o.kind()).isEqualTo(AppendOutcome.Kind.CORRELATED);
            assertThat(o.event()).isNull();
        });
        assertThat(countEvents()).isEqualTo(events);
        Incident view = store.incident(incident).orElseThrow();
        assertThat(view.severity()).isEqualTo(Severity.SEV2);
        assertThat(view.alertRepeats()).isEqualTo(2);
    }

    /**
     * A responder lowers the severity after the escalation: a redelivery of the same firing (Alertmanager's
     * repeat_interval) must not override them, a new firing of the alert escalates again.
     */
    @Test
    void aRedeliveryDoesNotOverrideAResponderButANewFiringEscalatesAgain() throws SQLException {
        String key = "alertmanager:" + newId();
        String incident = claimed(key);
        String first = store.append(alert(key, "t1", Severity.SEV1)).event().id();
        store.append(NewEvent.builder(EventType.STATE_CHANGE, "carol").incident(incident)
                .data(JsonNodeFactory.instance.objectNode().put("severity", "sev3").put("reason", "false alarm")).build());
        long events = countEvents();

        AppendOutcome redelivered = store.append(alert(key, "t1", Severity.SEV1));
        assertThat(redelivered).extracting(AppendOutcome::kind, AppendOutcome::event).containsExactly(AppendOutcome.Kind.CORRELATED, null);
        assertThat(countEvents()).isEqualTo(events);
        assertThat(store.incident(incident).orElseThrow().severity()).isEqualTo(Severity.SEV3);

        AppendOutcome refired = store.append(alert(key, "t2", Severity.SEV1));
        assertThat(refired.event()).isNotNull();
        assertThat(refired.event().id()).isNotEqualTo(first);
        assertThat(refired.event().data().path("previousSeverity").asText()).isEqualTo("sev3");
        assertThat(store.incident(incident).orElseThrow().severity()).isEqualTo(Severity.SEV1);
        assertThat(store.incident(incident).orElseThrow().alertRepeats()).isEqualTo(3);
        assertThat(store.verifier().verify(incident).broken()).isEmpty();
    }

    /** One request (an Alertmanager group): each alert sees the severity the one before it left, one change per step up. */
    @Test
    void alertsOfOneRequestEscalateStepByStep() throws SQLException {
        String key = "alertmanager:" + newId();
        List<AppendOutcome> outcomes = store.appendAll(List.of(alert(key, "a", Severity.SEV4), alert(key, "b", Severity.SEV2),
                alert(key, "c", Severity.SEV2), alert(key, "d", Severity.SEV1)));
        assertThat(outcomes).extracting(AppendOutcome::kind).containsExactly(AppendOutcome.Kind.APPENDED,
                AppendOutcome.Kind.CORRELATED, AppendOutcome.Kind.CORRELATED, AppendOutcome.Kind.CORRELATED);
        assertThat(outcomes.get(1).event().data().path("severity").asText()).isEqualTo("sev2");
        assertThat(outcomes.get(2).event()).isNull();
        assertThat(outcomes.get(3).event().data().path("previousSeverity").asText()).isEqualTo("sev2");
        String incident = outcomes.get(0).incidentId();
        assertThat(store.incident(incident).orElseThrow()).extracting(Incident::severity, Incident::lastSeq, Incident::alertRepeats)
                .containsExactly(Severity.SEV1, 3L, 3L);
        assertThat(store.verifier().verify(incident).broken()).isEmpty();
    }

    /** The alert's id at the column's limit: the escalation's id still fits (a hash of it), and still finds a redelivery. */
    @Test
    void anAlertIdAtTheLimitStillGivesAStoredIdempotentEscalation() throws SQLException {
        String key = "alertmanager:" + newId();
        String incident = claimed(key);
        String longId = "x".repeat(EventLimits.CE_ID);
        NewEvent alert = NewEvent.builder(EventType.DECLARE, "alertmanager").title("t").severity(Severity.SEV2).correlationKey(key)
                .source("/webhooks/alertmanager").ceId(longId).principal(ALERTMANAGER).build();
        AppendOutcome escalated = store.append(alert);
        assertThat(escalated.event().ceId()).hasSizeLessThanOrEqualTo(EventLimits.CE_ID).startsWith("escalation:");
        store.append(NewEvent.builder(EventType.STATE_CHANGE, "carol").incident(incident)
                .data(JsonNodeFactory.instance.objectNode().put("severity", "sev4")).build());
        assertThat(store.append(alert).event()).isNull();
        assertThat(store.incident(incident).orElseThrow().severity()).isEqualTo(Severity.SEV4);
    }
}
