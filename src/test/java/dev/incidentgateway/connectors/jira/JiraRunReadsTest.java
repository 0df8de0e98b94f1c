package dev.incidentgateway.connectors.jira;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When a run of the Jira poller ends before its greatest {@code updated}: an issue read again on a later page. */
class JiraRunReadsTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void anIssueReadAgainOnALaterPageEndsTheRunAtItsFirstUpdated() {
        JiraRunReads run = new JiraRunReads();
        run.read("1", T, "p1");
        run.read("2", T.plusSeconds(60), "p1");
        run.read("3", T.plusSeconds(120), "p2");
        assertThat(run.end(T.plusSeconds(120))).as("nothing moved").isEqualTo(T.plusSeconds(120));

        run.read("1", T.plusSeconds(3600), "p3");
        assertThat(run.end(T.plusSeconds(3600))).as("the last of the page it was first read on").isEqualTo(T.plusSeconds(60));
        assertThat(run.end(T.plusSeconds(3600))).as("the last page read again ends the same way").isEqualTo(T.plusSeconds(60));
        run.read("3", T.plusSeconds(3700), "p4");
        assertThat(run.end(T.plusSeconds(3700))).as("the earliest such page").isEqualTo(T.plusSeconds(60));

        run.start();
        assertThat(run.end(T.plusSeconds(3600))).as("a new run forgets").isEqualTo(T.plusSeconds(3600));
    }

    @Test
    void aPageReadAgainAfterAFailedCommitMovedNothing() {
        JiraRunReads run = new JiraRunReads();
        run.read("1", T, "p1");
        run.read("1", T, "p1");
        run.read("9", null, "p1");
        run.read("9", null, "p2");
        assertThat(run.end(T.plusSeconds(60))).isEqualTo(T.plusSeconds(60));
    }
}
