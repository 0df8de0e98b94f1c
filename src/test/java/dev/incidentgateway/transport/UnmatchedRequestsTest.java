package dev.incidentgateway.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which route paths a request path falls under, for the {@code Allow} of a 405. */
class UnmatchedRequestsTest {

    @Test
    void aTemplateMatchesItsOwnPathParametersAndATrailingWildcardMatchesAnyRest() {
        assertThat(UnmatchedRequests.matches("/api/v1/incidents", "/api/v1/incidents")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/INC-1")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/")).as("an empty parameter").isFalse();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id", "/api/v1/incidents/INC-1/events")).isFalse();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id/events", "/api/v1/incidents/INC-1/events")).isTrue();
        assertThat(UnmatchedRequests.matches("/api/v1/incidents/:id/events", "/api/v1/incidents/INC-1/timeline")).isFalse();
        assertThat(UnmatchedRequests.matches("/console/*", "/console/a/b.js")).isTrue();
        assertThat(UnmatchedRequests.matches("/console/*", "/other/a.js")).isFalse();
        assertThat(UnmatchedRequests.matches("/webhooks/:source", "/webhooks")).isFalse();
    }
}
