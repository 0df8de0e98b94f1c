package dev.incidentgateway.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MalformedRequestsTest {
    @Test
    void pathsTheRouterCanMatchPass() {
        assertThat(MalformedRequests.problem("/api/v1/incidents/INC-1")).isNull();
        assertThat(MalformedRequests.problem("/api/v1/incidents/INC-%31")).isNull();
        assertThat(MalformedRequests.problem("/api/v1/incidents/%2F")).as("an encoded slash is kept, not refused").isNull();
    }

    @Test
    void malformedEscapesAndNonPathTargetsAreNamed() {
        assertThat(MalformedRequests.problem("/api/v1/incidents/INC-%zz")).contains("percent-escape");
        assertThat(MalformedRequests.problem("/a/%")).contains("percent-escape");
        assertThat(MalformedRequests.problem("/a/%E0%A4%A")).contains("percent-escape");
        assertThat(MalformedRequests.problem("*")).contains("starting with /");
        assertThat(MalformedRequests.problem("")).contains("starting with /");
    }
}
