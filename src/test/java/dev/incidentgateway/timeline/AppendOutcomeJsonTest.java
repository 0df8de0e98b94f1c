package dev.incidentgateway.timeline;

import dev.incidentgateway.GatewayJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator's YAML route may marshal append outcomes as JSON: a refusal's exception (and its stack) is not written. */
class AppendOutcomeJsonTest {
    @Test
    void aRefusedOutcomeMarshalsWithoutItsException() throws Exception {
        AppendOutcome refused = new AppendOutcome(AppendOutcome.Kind.REFUSED, null, "INC-1",
                new TransitionRefusedException(IncidentStatus.RESOLVED, EventType.ACK, "cannot move from resolved to acknowledged"));
        String json = GatewayJson.create().writeValueAsString(refused);
        assertThat(json).contains("\"incidentId\":\"INC-1\"").doesNotContain("refusal").doesNotContain("stackTrace");
    }
}
