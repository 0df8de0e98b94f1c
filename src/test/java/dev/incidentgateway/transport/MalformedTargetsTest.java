package dev.incidentgateway.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MalformedTargetsTest {
    @Test
    void pathsTheRouterCanMatchPass() {
        assertThat(MalformedTargets.problem("/api/v1/incidents/INC-1")).isNull();
        assertThat(MalformedTargets.problem("/api/v1/incidents/INC-%31")).isNull();
        assertThat(MalformedTargets.problem("/api/v1/incidents/%2F")).as("an encoded slash is kept, not refused").isNull();
    }

    @Test
    void malformedEscapesAndNonPathTargetsAreNamed() {
        assertThat(MalformedTargets.problem("/api/v1/incidents/INC-%zz")).contains("percent-escape");
        assertThat(MalformedTargets.problem("/a/%")).contains("percent-escape");
        assertThat(MalformedTargets.problem("/a/%E0%A4%A")).contains("percent-escape");
        assertThat(MalformedTargets.problem("*")).contains("starting with /");
        assertThat(MalformedTargets.problem("")).contains("starting with /");
    }
}
