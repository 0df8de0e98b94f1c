package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A 409's {@code detail} says what to send first only where one event would make the refused one allowed, in English
 * ("an ack"). A new user got "the severity is already sev1; send a ack first" for a severity change to the severity the
 * incident had: no ack makes that allowed.
 */
class TransitionRefusedHintTest {
    private final ProblemMapper problems = new ProblemMapper(new ObjectMapper());

    @Test
    void aSeverityTheIncidentHasGetsNoHintToSendAnotherEvent() {
        Throwable refused = catchThrowable(() -> IncidentStateMachine.checkSeverityChange(IncidentStatus.DECLARED, Severity.SEV1, Severity.SEV1));

        assertThat(problems.toProblem(refused).getMessage()).contains("the severity is already sev1").doesNotContain("first");
    }

    @ParameterizedTest(name = "{0} + {1} to {2}")
    @CsvSource(delimiter = '|', value = {
            "declared     | close        |              | send a resolve first",
            "declared     | state_change | closed       | send a resolve first",
            "declared     | state_change | declared     | -",
            "acknowledged | state_change | acknowledged | -",
            "mitigated    | ack          |              | -",
            "resolved     | mitigate     |              | reopen it first"})
    void theHintNamesTheOneEventAfterWhichTheSameRequestIsAllowed(String from, String type, String to, String hint) {
        IncidentStatus current = IncidentStatus.fromWire(from).orElseThrow();
        IncidentStatus target = to == null ? null : IncidentStatus.fromWire(to).orElseThrow();
        Throwable refused = catchThrowable(() -> IncidentStateMachine.next(current, EventType.fromWire(type).orElseThrow(), target));

        String detail = problems.toProblem(refused).getMessage();
        if (hint.equals("-")) {
            assertThat(detail).doesNotContain("first");
        } else {
            assertThat(detail).contains(hint);
        }
    }
}
