package dev.incidentgateway.timeline;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What a correlated alert's escalation holds, before the store stamps it (the store's side: CorrelatedEscalationContract). */
class CorrelatedEscalationTest {

    private static Incident incident(Severity severity, IncidentStatus status) {
        return new Incident("INC-6", "harmless test", severity, status, null, Instant.EPOCH, null, null, null, null, "e", 1, "h", 0);
    }

    private static NewEvent alert(Severity severity, String title, String ceId) {
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title(title).severity(severity).correlationKey("alertmanager:fp")
                .source("/webhooks/alertmanager").ceId(ceId).principal("webhook:alertmanager").build();
    }

    @Test
    void onlyAMoreSevereAlertOnAnOpenIncidentEscalates() {
        NewEvent critical = alert(Severity.SEV1, "DBDown", "fp:firing:t1");
        NewEvent change = CorrelatedEscalation.of(critical, incident(Severity.SEV4, IncidentStatus.MITIGATED));
        assertThat(change.type()).isEqualTo(EventType.STATE_CHANGE);
        assertThat(change.incidentId()).isEqualTo("INC-6");
        assertThat(change.data().path("severity").asText()).isEqualTo("sev1");
        assertThat(change.data().has("to")).as("the status stays").isFalse();
        assertThat(change).extracting(NewEvent::principal, NewEvent::actor, NewEvent::effectiveCeSource, NewEvent::ceId,
                NewEvent::correlationKey).containsExactly("webhook:alertmanager", "alertmanager", "/webhooks/alertmanager",
                "fp:firing:t1:escalation", null);

        assertThat(CorrelatedEscalation.of(critical, incident(Severity.SEV1, IncidentStatus.DECLARED))).isNull();
        assertThat(CorrelatedEscalation.of(alert(Severity.SEV3, "x", "i"), incident(Severity.SEV2, IncidentStatus.DECLARED))).isNull();
        assertThat(CorrelatedEscalation.of(critical, incident(Severity.SEV4, IncidentStatus.RESOLVED))).isNull();
        assertThat(CorrelatedEscalation.of(alert(null, "x", "i"), incident(Severity.SEV4, IncidentStatus.DECLARED))
                .data().path("severity").asText()).as("no severity: the declare's default").isEqualTo("sev3");
    }

    @Test
    void theReasonIsOneLineNamingSourceAndTitle() {
        NewEvent change = CorrelatedEscalation.of(alert(Severity.SEV1, "DBDown:\u0085 forged line\u202Egnp.exe", "i"),
                incident(Severity.SEV4, IncidentStatus.DECLARED));
        String reason = change.data().path("reason").asText();
        assertThat(reason).isEqualTo("correlated alert from /webhooks/alertmanager: DBDown: forged line gnp.exe");
        assertThat(EventLimits.fits(reason, EventLimits.CONTENT)).isTrue();
    }

    @Test
    void theIdempotencyIdDerivesFromTheAlertsAndFitsItsColumn() {
        assertThat(CorrelatedEscalation.ceId(null)).as("no id: the event's own").isNull();
        assertThat(CorrelatedEscalation.ceId("abc")).isEqualTo("abc:escalation");
        String atLimit = "x".repeat(EventLimits.CE_ID);
        String derived = CorrelatedEscalation.ceId(atLimit);
        assertThat(derived).hasSizeLessThanOrEqualTo(EventLimits.CE_ID).startsWith("escalation:")
                .isEqualTo(CorrelatedEscalation.ceId(atLimit)).isNotEqualTo(CorrelatedEscalation.ceId(atLimit + "y"));
    }
}
