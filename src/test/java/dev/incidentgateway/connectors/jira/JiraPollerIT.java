package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.incidentgateway.connectors.jira.JiraPollFakeData.ALICE;
import static dev.incidentgateway.connectors.jira.JiraPollFakeData.BOB;
import static org.assertj.core.api.Assertions.assertThat;

/** The Jira poller's reading: first sync, incremental changes, the overlap window, a crash between a page and its commit. */
class JiraPollerIT extends JiraPollHarness {
    @Test
    void firstSyncReadsExistingIssuesPageByPage() throws Exception {
        jira.createIssue(ALICE, "Stale issue from last week", "Task", T0.minus(Duration.ofDays(7)));
        for (int i = 0; i < 250; i++) {
            jira.createIssue(i % 2 == 0 ? ALICE : BOB, "Disk full on db-" + i, "Task", T0.minus(Duration.ofMinutes(250 - i)));
        }
        jira.createIssue(BOB, "Typo on the status page", "Bug", T0.plusSeconds(30));

        List<AppendOutcome> outcomes = sync(poller());

        assertThat(appended(outcomes)).hasSize(250).containsOnly(EventType.DECLARE);
        assertThat(store.incidents(IncidentStatus.DECLARED, 1000)).hasSize(250)
                .allSatisfy(i -> assertThat(i.severity()).isEqualTo(Severity.SEV2));
        List<FakeJira.Request> searches = jira.requests().stream().filter(r -> r.uri().contains("/search/jql")).toList();
        assertThat(searches).hasSize(6); // 251 issues in the window (the Bug too), 50 a page
        assertThat(searches.get(0).uri()).contains("maxResults=50", "expand=changelog", "fields=summary%2Cstatus")
                .doesNotContain("nextPageToken");
        assertThat(searches.get(5).uri()).contains("nextPageToken=");
        assertThat(store.watermark("jira")).contains("2025-03-01T10:00:30Z");

        TimelineEvent declare = store.timeline(outcomes.get(0).incidentId(), null, 10).get(0);
        assertThat(declare.title()).isEqualTo("Disk full on db-0");
        assertThat(declare.content()).isEqualTo("Reported by Alice Ops\nSee the dashboard");
        assertThat(declare.actor()).isEqualTo("Alice Ops");
        assertThat(declare.source()).isEqualTo("/connectors/jira");
        assertThat(declare.ceSource()).isEqualTo("/connectors/jira");
        assertThat(declare.ceId()).isEqualTo("10002/created");
        assertThat(declare.eventTime()).isEqualTo(T0.minus(Duration.ofMinutes(250)));
        assertThat(declare.data().path("jiraKey").asText()).isEqualTo("OPS-2");

        // nothing new: the overlap re-reads the last minutes, and every id is a duplicate
        assertThat(appended(sync(poller()))).isEmpty();
    }

    @Test
    void statusChangesAndCommentsFollowTheIssue() throws Exception {
        JiraPoller poller = poller();
        FakeJiraState.Issue issue = jira.createIssue(ALICE, "Checkout errors", "Task", T0);
        assertThat(appended(sync(poller))).containsExactly(EventType.DECLARE);
        String incident = store.incidents(IncidentStatus.DECLARED, 10).get(0).id();

        jira.transition(BOB, issue.key, "In Progress", T0.plusSeconds(300));
        jira.comment(ALICE, issue.key, "Rolled back the deploy\nErrors are dropping", T0.plusSeconds(360));
        jira.transition(BOB, issue.key, "Done", T0.plusSeconds(420));

        assertThat(appended(sync(poller))).containsExactly(EventType.ACK, EventType.NOTE, EventType.RESOLVE);
        assertThat(types(incident)).containsExactly(EventType.DECLARE, EventType.ACK, EventType.NOTE, EventType.RESOLVE);
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        TimelineEvent note = store.timeline(incident, null, 10).get(2);
        assertThat(note.content()).isEqualTo("Rolled back the deploy\nErrors are dropping");
        assertThat(note.actor()).isEqualTo("Alice Ops");
        assertThat(note.ceId()).isEqualTo(issue.id + "/comment/20000");
        assertThat(store.timeline(incident, null, 10).get(1).ceId()).isEqualTo(issue.id + "/history/30000");
        assertThat(appended(sync(poller))).isEmpty();
    }

    @Test
    void anIssueAPersonMovesBackFromDoneReopensTheIncident() throws Exception {
        JiraPoller poller = poller();
        FakeJiraState.Issue issue = jira.createIssue(ALICE, "Checkout errors", "Task", T0);
        jira.transition(BOB, issue.key, "Done", T0.plusSeconds(60));
        sync(poller);
        String incident = store.incidents(IncidentStatus.RESOLVED, 10).get(0).id();

        jira.transition(BOB, issue.key, "In Progress", T0.plusSeconds(120)); // Done → In Progress: not fixed after all
        List<AppendOutcome> outcomes = sync(poller);
        assertThat(outcomes).noneMatch(o -> o.kind() == AppendOutcome.Kind.REFUSED);
        assertThat(types(incident)).containsExactly(EventType.DECLARE, EventType.RESOLVE, EventType.STATE_CHANGE);
        TimelineEvent reopen = store.timeline(incident, null, 10).get(2);
        assertThat(reopen.stateChangeTarget()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(reopen.actor()).isEqualTo("Bob Oncall");
        assertThat(reopen.title()).isEqualTo(issue.key + ": Done → In Progress");
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(store.incident(incident).orElseThrow().resolvedAt()).as("cleared by the reopen").isNull();

        jira.transition(BOB, issue.key, "Done", T0.plusSeconds(180));
        jira.transition(ALICE, issue.key, "To Do", T0.plusSeconds(240)); // back in the queue: not resolved either
        sync(poller);
        assertThat(types(incident)).containsExactly(EventType.DECLARE, EventType.RESOLVE, EventType.STATE_CHANGE,
                EventType.RESOLVE, EventType.STATE_CHANGE);
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(sync(poller)).as("read again by the overlap: nothing new, nothing refused")
                .allMatch(o -> o.kind() == AppendOutcome.Kind.DUPLICATE);
    }

    @Test
    void statusEventsByNameOverrideTheCategory() throws Exception {
        JiraPoller poller = poller(raw -> raw.withObject("/source").withObject("/statusEvents").put("In Progress", "mitigate"),
                jira.env());
        FakeJiraState.Issue issue = jira.createIssue(ALICE, "Queue backlog", "Task", T0);
        jira.transition(BOB, issue.key, "In Progress", T0.plusSeconds(60));
        assertThat(appended(sync(poller))).containsExactly(EventType.DECLARE, EventType.MITIGATE);
    }

    @Test
    void aChangeInTheWatermarksMinuteIsReadAgainAndAppendedOnce() throws Exception {
        JiraPoller poller = poller(raw -> raw.withObject("/source").put("overlapMinutes", 0), jira.env());
        FakeJiraState.Issue issue = jira.createIssue(ALICE, "Cache misses", "Task", T0.plusSeconds(10));
        sync(poller);
        assertThat(store.watermark("jira")).contains("2025-03-01T10:00:10Z");

        jira.comment(BOB, issue.key, "Same minute", T0.plusSeconds(40));
        assertThat(appended(sync(poller))).containsExactly(EventType.NOTE);
        assertThat(jira.requests().get(jira.requests().size() - 1).uri()).contains("2025%2F03%2F01%2010%3A00");
        assertThat(appended(sync(poller))).isEmpty();
        assertThat(types(store.incidents(IncidentStatus.DECLARED, 10).get(0).id())).containsExactly(EventType.DECLARE, EventType.NOTE);
    }

    @Test
    void theOverlapCatchesAChangeIndexedLateWithAnEarlierTime() throws Exception {
        JiraPoller poller = poller();
        jira.createIssue(ALICE, "First", "Task", T0.plusSeconds(200));
        sync(poller);
        // Jira's index shows an issue updated 10:02:00 only after we read up to 10:03:20 (clock skew, index lag)
        jira.createIssue(BOB, "Indexed late", "Task", T0.plusSeconds(120));
        assertThat(appended(sync(poller))).containsExactly(EventType.DECLARE);
        assertThat(store.watermark("jira")).contains("2025-03-01T10:03:20Z");
    }

    @Test
    void jqlDatesAreInTheAccountsTimeZone() throws Exception {
        jira.setUserZone(java.time.ZoneId.of("America/New_York"));
        JiraPoller poller = poller();
        FakeJiraState.Issue issue = jira.createIssue(ALICE, "Zoned", "Task", T0);
        sync(poller);
        jira.comment(BOB, issue.key, "an hour later", T0.plusSeconds(3600));
        assertThat(appended(sync(poller))).containsExactly(EventType.NOTE);
        assertThat(jira.requests().get(jira.requests().size() - 1).uri()).contains("2025%2F03%2F01%2004%3A58"); // 09:58 UTC
    }

    @Test
    void aBoundInTheFirstPassOfARepeatedHourSkipsNothing() throws Exception {
        // New York repeats 01:00-02:00 on 2026-11-01; Jira reads "01:28" there as 01:28 EST (06:28Z)
        jira.setUserZone(java.time.ZoneId.of("America/New_York"));
        JiraPoller poller = poller();
        jira.createIssue(ALICE, "First pass", "Task", Instant.parse("2026-11-01T05:30:00Z")); // 01:30 EDT
        sync(poller);
        // indexed late, with an earlier time inside the overlap window: 01:29 EDT
        jira.createIssue(BOB, "Indexed late", "Task", Instant.parse("2026-11-01T05:29:00Z"));
        assertThat(appended(sync(poller))).containsExactly(EventType.DECLARE);
        assertThat(jira.requests().get(jira.requests().size() - 1).uri()).contains("2026%2F11%2F01%2000%3A59");
        // a bound in the second pass means what Jira reads: 01:28 EST
        jira.createIssue(ALICE, "Second pass", "Task", Instant.parse("2026-11-01T06:30:00Z")); // 01:30 EST
        assertThat(appended(sync(poller))).containsExactly(EventType.DECLARE);
        assertThat(appended(sync(poller))).isEmpty();
        assertThat(jira.requests().get(jira.requests().size() - 1).uri()).contains("2026%2F11%2F01%2001%3A28");
    }

    @Test
    void anIssueUpdatedBetweenTwoPagesOfARunDoesNotHideAnUnreadIssue() throws Exception {
        List<FakeJiraState.Issue> issues = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            issues.add(jira.createIssue(ALICE, "Alert " + i, "Task", T0.plusSeconds(i * 20L)));
        }
        JiraPoller poller = poller();
        PollPage first = poller.poll(null);
        append(first);
        assertThat(first.more()).isTrue();
        // someone comments on an issue the first page read: it moves to the end of the run's order
        jira.comment(BOB, issues.get(3).key, "looking into it", T0.plus(Duration.ofHours(1)));
        sync(poller);

        assertThat(store.incidents(null, 1000)).as("every issue declared, none skipped by the shifted page").hasSize(120);
        assertThat(appended(sync(poller))).as("and nothing twice").isEmpty();
    }

    @Test
    void aCrashBetweenAPageAndItsCommitRepeatsThePage() throws Exception {
        for (int i = 0; i < 120; i++) {
            jira.createIssue(ALICE, "Alert " + i, "Task", T0.plusSeconds(i * 20L));
        }
        JiraPoller poller = poller();
        PollPage first = poller.poll(null);
        append(first);
        String committed = store.watermark("jira").orElseThrow();
        assertThat(committed).contains("|");

        PollPage lost = poller.poll(committed); // read, then the gateway dies before the commit
        JiraPoller restarted = poller();
        PollPage again = restarted.poll(store.watermark("jira").orElseThrow());
        assertThat(again.events().stream().map(NewEvent::ceId).toList())
                .isEqualTo(lost.events().stream().map(NewEvent::ceId).toList()).hasSize(50);
        assertThat(again.nextWatermark()).isEqualTo(lost.nextWatermark());
        assertThat(appended(append(again))).hasSize(50);
        // the same page committed twice (a redelivery) adds nothing
        assertThat(appended(append(lost))).isEmpty();

        assertThat(appended(sync(restarted))).hasSize(20);
        assertThat(store.incidents(IncidentStatus.DECLARED, 1000)).hasSize(120);
        assertThat(appended(sync(restarted))).isEmpty();
    }
}
