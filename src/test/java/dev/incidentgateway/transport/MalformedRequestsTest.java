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

    @Test
    void theDecodersReasonKeepsItsWordsButNotTheHeaderValueItQuotes() {
        assertThat(MalformedRequests.withoutValue("a header value contains a prohibited character '\u0001': Bearer igw_secret"))
                .isEqualTo("a header value contains a prohibited character '\u0001'");
        assertThat(MalformedRequests.withoutValue("a header value must not end with '\\r' or '\\n':igw_secret"))
                .doesNotContain("igw_secret");
        assertThat(MalformedRequests.withoutValue("Multiple Content-Length values found: [26, 27]"))
                .isEqualTo("Multiple Content-Length values found");
        assertThat(MalformedRequests.withoutValue("x".repeat(500))).hasSize(201);
    }
}
