package dev.incidentgateway.timeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole transition table of issue 3, written out independently of the implementation. */
class IncidentStateMachineTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            // from,        event,        expected ('-' = refused)
            "declared,      ack,          acknowledged",
            "declared,      mitigate,     mitigated",
            "declared,      resolve,      resolved",
            "declared,      close,        -",
            "declared,      note,         declared",
            "declared,      role_assign,  declared",
            "declared,      declare,      -",
            "acknowledged,  ack,          -",
            "acknowledged,  mitigate,     mitigated",
            "acknowledged,  resolve,      resolved",
            "acknowledged,  close,        -",
            "acknowledged,  note,         acknowledged",
            "acknowledged,  role_assign,  acknowledged",
            "acknowledged,  declare,      -",
            "mitigated,     ack,          -",
            "mitigated,     mitigate,     -",
            "mitigated,     resolve,      resolved",
            "mitigated,     close,        -",
            "mitigated,     note,         mitigated",
            "mitigated,     role_assign,  mitigated",
            "mitigated,     declare,      -",
            "resolved,      ack,          -",
            "resolved,      mitigate,     -",
            "resolved,      resolve,      -",
            "resolved,      close,        closed",
            "resolved,      note,         resolved",
            "resolved,      role_assign,  resolved",
            "resolved,      declare,      -",
            "closed,        ack,          -",
            "closed,        mitigate,     -",
            "closed,        resolve,      -",
            "closed,        close,        -",
            "closed,        note,         closed",
            "closed,        role_assign,  closed",
            "closed,        declare,      -",
    })
    void typedEvents(String from, String event, String expected) {
        IncidentStatus current = IncidentStatus.fromWire(from).orElseThrow();
        EventType type = EventType.fromWire(event).orElseThrow();
        assertOutcome(current, type, null, expected);
    }

    @ParameterizedTest(name = "state_change {0} -> {1}: {2}")
    @CsvSource({
            "declared,      declared,      -",
            "declared,      acknowledged,  acknowledged",
            "declared,      mitigated,     mitigated",
            "declared,      resolved,      resolved",
            "declared,      closed,        -",
            "acknowledged,  declared,      -",
            "acknowledged,  acknowledged,  -",
            "acknowledged,  mitigated,     mitigated",
            "acknowledged,  resolved,      resolved",
            "acknowledged,  closed,        -",
            "mitigated,     declared,      -",
            "mitigated,     acknowledged,  -",
            "mitigated,     mitigated,     -",
            "mitigated,     resolved,      resolved",
            "mitigated,     closed,        -",
            "resolved,      declared,      -",
            "resolved,      acknowledged,  acknowledged",   // reopen
            "resolved,      mitigated,     -",
            "resolved,      resolved,      -",
            "resolved,      closed,        closed",
            "closed,        declared,      -",
            "closed,        acknowledged,  -",
            "closed,        mitigated,     -",
            "closed,        resolved,      -",
            "closed,        closed,        -",
    })
    void stateChanges(String from, String to, String expected) {
        assertOutcome(IncidentStatus.fromWire(from).orElseThrow(), EventType.STATE_CHANGE,
                IncidentStatus.fromWire(to).orElseThrow(), expected);
    }

    @Test
    void declareStartsAnIncidentThatDoesNotExist() {
        assertThat(IncidentStateMachine.next(null, EventType.DECLARE, null)).isEqualTo(IncidentStatus.DECLARED);
    }

    @Test
    void refusalNamesCurrentStatusAndAttemptedType() {
        assertThatThrownBy(() -> IncidentStateMachine.next(IncidentStatus.CLOSED, EventType.ACK, null))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> {
                    assertThat(e.current()).isEqualTo(IncidentStatus.CLOSED);
                    assertThat(e.attempted()).isEqualTo(EventType.ACK);
                    assertThat(e.getMessage()).contains("closed").contains("ack");
                });
    }

    @ParameterizedTest
    @CsvSource({
            "declared,     'ack,mitigate,resolve,note,role_assign,state_change'",
            "acknowledged, 'mitigate,resolve,note,role_assign,state_change'",
            "mitigated,    'resolve,note,role_assign,state_change'",
            "resolved,     'close,note,role_assign,state_change'",
            "closed,       'note,role_assign'",
    })
    void allowedAfterListsWhatNextAccepts(String current, String expected) {
        assertThat(IncidentStateMachine.allowedAfter(IncidentStatus.fromWire(current).orElseThrow()))
                .map(EventType::wireName)
                .containsExactlyInAnyOrder(expected.split(","));
    }

    private static void assertOutcome(IncidentStatus current, EventType type, IncidentStatus to, String expected) {
        if (expected.equals("-")) {
            assertThatThrownBy(() -> IncidentStateMachine.next(current, type, to))
                    .isInstanceOf(TransitionRefusedException.class);
        } else {
            assertThat(IncidentStateMachine.next(current, type, to)).isEqualTo(IncidentStatus.fromWire(expected).orElseThrow());
        }
    }
}
