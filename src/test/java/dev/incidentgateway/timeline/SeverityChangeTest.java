package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A state_change with {@code data.severity}: the field rules every entry point runs ({@link EventRules} through
 * {@link EventLimits#checkAsSent}), what the state machine allows, and the view it projects to.
 */
class SeverityChangeTest {
    private static final Instant T = Instant.parse("2026-12-03T08:00:00Z");

    private static ObjectNode data(String... pairs) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            d.put(pairs[i], pairs[i + 1]);
        }
        return d;
    }

    private static NewEvent stateChange(ObjectNode data) {
        return NewEvent.builder(EventType.STATE_CHANGE, "carol").incident("INC-1").data(data).build();
    }

    private static String refusedField(ObjectNode data) {
        try {
            EventLimits.checkAsSent(stateChange(data), f -> f);
            return null;
        } catch (InvalidEventException e) {
            return e.field();
        }
    }

    @Test
    void dataToAndDataSeverityMayComeAloneOrTogetherAndNeitherIsRefusedNamingData() {
        assertThat(EventRules.check(stateChange(data("severity", "sev1")), data("severity", "sev1")))
                .isEqualTo(new EventRules.StateChange(null, Severity.SEV1));
        assertThat(EventRules.check(stateChange(data("to", "resolved")), data("to", "resolved")))
                .isEqualTo(new EventRules.StateChange(IncidentStatus.RESOLVED, null));
        assertThat(EventRules.check(stateChange(data("to", "resolved", "severity", "sev2")), data("to", "resolved", "severity", "sev2")))
                .isEqualTo(new EventRules.StateChange(IncidentStatus.RESOLVED, Severity.SEV2));
        assertThat(refusedField(data())).isEqualTo("data");
        assertThat(refusedField(data("reason", "r"))).isEqualTo("data");
        assertThat(refusedField(data("severity", "sev5"))).isEqualTo("data.severity");
        assertThat(refusedField(data("severity", " "))).isEqualTo("data.severity");
        assertThat(refusedField(data("to", "sideways", "severity", "sev1"))).isEqualTo("data.to");
        ObjectNode numeric = data();
        numeric.put("severity", 1);
        assertThat(refusedField(numeric)).isEqualTo("data.severity");
        assertThat(refusedField(data("severity", "sev1", "reason", "customer impact"))).isNull();
    }

    @Test
    void theStateMachineRefusesTheSeverityItHasAndAClosedIncident() {
        for (IncidentStatus open : new IncidentStatus[] {IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED,
                IncidentStatus.MITIGATED, IncidentStatus.RESOLVED}) {
            assertThat(IncidentStateMachine.next(open, EventType.STATE_CHANGE, null)).as("severity alone keeps " + open).isEqualTo(open);
            IncidentStateMachine.checkSeverityChange(open, Severity.SEV3, Severity.SEV1);
            assertThatThrownBy(() -> IncidentStateMachine.checkSeverityChange(open, Severity.SEV3, Severity.SEV3))
                    .isInstanceOf(TransitionRefusedException.class).hasMessageContaining("already sev3");
        }
        assertThatThrownBy(() -> IncidentStateMachine.next(IncidentStatus.CLOSED, EventType.STATE_CHANGE, null))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> assertThat(e.current()).isEqualTo(IncidentStatus.CLOSED));
        assertThatThrownBy(() -> IncidentStateMachine.checkSeverityChange(IncidentStatus.CLOSED, Severity.SEV3, Severity.SEV1))
                .isInstanceOf(TransitionRefusedException.class).hasMessageContaining("closed is terminal");
    }

    @Test
    void theViewTakesTheNewSeverityAndKeepsOrMovesTheStatus() {
        Incident declared = IncidentProjection.apply(null, event(1, EventType.DECLARE, data("severity", "sev3")));
        assertThat(declared.severity()).isEqualTo(Severity.SEV3);
        Incident escalated = IncidentProjection.apply(declared, event(2, EventType.STATE_CHANGE,
                data("severity", "sev1", "previousSeverity", "sev3", "reason", "customer impact")));
        assertThat(escalated.severity()).isEqualTo(Severity.SEV1);
        assertThat(escalated.status()).isEqualTo(IncidentStatus.DECLARED);
        Incident both = IncidentProjection.apply(escalated, event(3, EventType.STATE_CHANGE,
                data("to", "resolved", "severity", "sev2", "previousSeverity", "sev1")));
        assertThat(both.severity()).isEqualTo(Severity.SEV2);
        assertThat(both.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(both.resolvedAt()).isEqualTo(T);
        Incident noted = IncidentProjection.apply(both, event(4, EventType.NOTE, data("severity", "sev1")));
        assertThat(noted.severity()).as("only a state_change changes it").isEqualTo(Severity.SEV2);
    }

    private static TimelineEvent event(long seq, EventType type, ObjectNode data) {
        return new TimelineEvent("01JD00000000000000000000" + (10 + seq), "INC-1", seq, type, "carol", "t", null, T, T, "/api/v1",
                null, null, null, data, "0".repeat(64), "f".repeat(64), "key:test");
    }
}
