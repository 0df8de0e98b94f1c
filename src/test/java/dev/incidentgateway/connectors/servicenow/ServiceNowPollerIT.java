package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.timeline.EventType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ServiceNow poller over real HTTP against {@link FakeServiceNow}, appending into an H2 store. */
class ServiceNowPollerIT extends ServiceNowPollHarness {

    @Test
    void firstSyncOf250RecordsPagesThroughThemAndDeclaresEachOnce() throws Exception {
        for (int i = 0; i < 250; i++) {
            fake.setNow(T0.minusSeconds(3600).plusSeconds(i / 3 * 10)); // three records per second: pages split them
            ObjectNode rec = opened("user" + (i % 7), "Record " + i, i % 4 == 0 ? "1" : "2", i % 4 == 0 ? "1" : "2");
            String sysId = rec.path("sys_id").asText();
            switch (i % 10) {
                case 1 -> fake.updateAs(ALICE, sysId, fields().put("state", "2"));
                case 2 -> fake.updateAs(ALICE, sysId, resolvedFields());
                case 3 -> fake.updateAs(ALICE, sysId, resolvedFields().put("state", "7"));
                default -> {
                }
            }
        }
        List<AppendOutcome> outcomes = sync();

        List<Incident> incidents = store.incidents(null, 1000);
        assertThat(incidents).hasSize(250);
        assertThat(incidents).allSatisfy(i -> assertThat(i.id()).matches("SN-00\\d{5}"));
        assertThat(incidents.stream().filter(i -> i.status() == IncidentStatus.ACKNOWLEDGED)).hasSize(25);
        assertThat(incidents.stream().filter(i -> i.status() == IncidentStatus.RESOLVED)).hasSize(25);
        assertThat(incidents.stream().filter(i -> i.status() == IncidentStatus.CLOSED)).hasSize(25);
        assertThat(incidents.stream().filter(i -> i.severity() == Severity.SEV1)).hasSize(63);
        assertThat(incidents.stream().filter(i -> i.severity() == Severity.SEV3)).hasSize(187);
        assertThat(appended(outcomes)).isEqualTo(250 + 25 + 25 + 25 * 2);
        assertThat(outcomes).noneMatch(o -> o.kind() == AppendOutcome.Kind.REFUSED);
        assertThat(fake.requests().stream().filter(r -> r.startsWith("GET /api/now/table/incident?"))).hasSize(3);
        assertThat(store.watermark("servicenow")).contains("2026-03-02 07:13:50");

        ObjectNode closed = fake.recordBySysId(firstClosed());
        assertThat(types(incidentOf(closed))).containsExactly(DECLARE, RESOLVE, CLOSE);
        TimelineEvent declare = timeline(incidentOf(closed)).get(0);
        assertThat(declare.title()).isEqualTo("Record 3");
        assertThat(declare.content()).isEqualTo("seen by user3");
        assertThat(declare.ceSource()).isEqualTo("/connectors/servicenow");
        assertThat(declare.source()).isEqualTo("/connectors/servicenow");
        assertThat(declare.data().path("externalRef").path("externalId").asText()).isEqualTo(closed.path("sys_id").asText());

        assertThat(appended(sync())).as("a second poll re-reads the overlap only").isZero();
    }

    private String firstClosed() {
        return store.incidents(IncidentStatus.CLOSED, 1000).stream()
                .map(i -> timeline(i.id()).get(0))
                .filter(e -> e.title().equals("Record 3"))
                .findFirst().orElseThrow().data().path("externalRef").path("externalId").asText();
    }

    @Test
    void theFirstSyncReadsOnlyTheRecordsUpdatedInFirstSyncHoursThenGoesOnFromItsWatermark() throws Exception {
        fake.setNow(T0.minus(Duration.ofHours(25)));
        ObjectNode old = opened("erin", "Last year's outage", "2", "2");
        fake.setNow(T0.minus(Duration.ofHours(23)));
        ObjectNode recent = opened("erin", "Replica lag", "2", "2");
        fake.setNow(T0);
        sync();
        assertThat(fake.clockReads()).as("the first sync's window is from the poller's clock").isPositive();
        int readsAfterFirstSync = fake.clockReads();

        assertThat(fake.requests().stream().filter(r -> r.startsWith("GET /api/now/table/incident?")).findFirst().orElseThrow())
                .as("the first request is bounded: now - firstSyncHours (24), in ServiceNow's format")
                .contains("sysparm_query=sys_updated_on%3E%3D2026-03-01%2008%3A00%3A00%5EORDERBYsys_updated_on");
        assertThat(store.incidents(null, 100)).extracting(Incident::id).containsExactly(incidentOf(recent));
        assertThat(store.watermark("servicenow")).contains("2026-03-01 09:00:00");

        fake.setNow(T0.plusSeconds(60));
        fake.updateAs("erin", old.path("sys_id").asText(), fields().put("state", "2"));
        sync();
        assertThat(fake.clockReads()).as("only the first sync has a window to compute").isEqualTo(readsAfterFirstSync);
        assertThat(fake.requests().get(fake.requests().size() - 2)).as("after the first sync: the watermark minus the overlap")
                .contains("sysparm_query=sys_updated_on%3E%3D2026-03-01%2008%3A58%3A00%5E");
        assertThat(types(incidentOf(old))).as("an old record updated later is read then").containsExactly(DECLARE, ACK);
    }

    @Test
    void stateChangesAndJournalEntriesOfOtherUsersBecomeEvents() throws Exception {
        ObjectNode rec = opened(ALICE, "Payments timeouts", "1", "2");
        String sysId = rec.path("sys_id").asText();
        sync();
        String id = incidentOf(rec);
        assertThat(incident(id).severity()).isEqualTo(Severity.SEV2);
        assertThat(timeline(id).get(0).actor()).isEqualTo(ALICE);

        fake.setNow(T0.plusSeconds(300));
        fake.updateAs("bob", sysId, fields().put("state", "2").put("work_notes", "looking at the gateway pool"));
        sync();
        fake.setNow(T0.plusSeconds(420));
        fake.updateAs("dave", sysId, fields().put("comments", "customers report failed payments"));
        List<AppendOutcome> outcomes = sync();
        assertThat(outcomes).extracting(AppendOutcome::kind).containsExactly(AppendOutcome.Kind.DUPLICATE, // declare
                AppendOutcome.Kind.REFUSED, // state 2 again (another change of the record): already acknowledged
                AppendOutcome.Kind.DUPLICATE, AppendOutcome.Kind.APPENDED); // bob's note again, dave's comment
        fake.setNow(T0.plusSeconds(900));
        fake.updateAs("bob", sysId, resolvedFields());
        fake.setNow(T0.plusSeconds(1200));
        fake.updateAs("bob", sysId, fields().put("state", "7"));
        sync();

        List<TimelineEvent> events = timeline(id);
        assertThat(events).extracting(TimelineEvent::type).containsExactly(DECLARE, ACK, NOTE, NOTE, RESOLVE, CLOSE);
        assertThat(events.get(1).actor()).isEqualTo("bob");
        assertThat(events.get(2).content()).isEqualTo("looking at the gateway pool");
        assertThat(events.get(2).data().path("element").asText()).isEqualTo("work_notes");
        assertThat(events.get(3).actor()).isEqualTo("dave");
        assertThat(events.get(3).data().path("element").asText()).isEqualTo("comments");
        assertThat(events.get(4).content()).isEqualTo("rolled back the deploy");
        assertThat(events.get(4).eventTime()).isEqualTo(T0.plusSeconds(900));
        assertThat(events.get(5).eventTime()).isEqualTo(T0.plusSeconds(1200));
        assertThat(incident(id).status()).isEqualTo(IncidentStatus.CLOSED);
        assertThat(appended(sync())).isZero();
    }

    @Test
    void theOverlapWindowReReadsRecentRecordsWithoutAppendingThemTwice() throws Exception {
        ObjectNode first = opened(ALICE, "Disk full on db-3", "2", "2");
        fake.updateAs(ALICE, first.path("sys_id").asText(), fields().put("state", "2"));
        sync();
        assertThat(store.watermark("servicenow")).contains("2026-03-02 08:00:00");

        fake.setNow(T0.minusSeconds(30)); // committed late, or a clock behind: before the watermark
        ObjectNode late = opened("erin", "Replica lag", "3", "2");
        fake.setNow(T0.plusSeconds(5));
        List<AppendOutcome> outcomes = sync();

        assertThat(fake.requests().get(fake.requests().size() - 2)).as("the whole query, with its sys_id tie-breaker")
                .matches(".*sysparm_query=sys_updated_on%3E%3D2026-03-02%2007%3A58%3A00%5EORDERBYsys_updated_on%5EORDERBYsys_id(&.*)?");
        assertThat(appended(outcomes)).isEqualTo(1);
        assertThat(outcomes).filteredOn(o -> o.kind() == AppendOutcome.Kind.DUPLICATE).hasSize(2); // first's declare, ack
        assertThat(types(incidentOf(first))).containsExactly(DECLARE, ACK);
        assertThat(types(incidentOf(late))).containsExactly(DECLARE);
        assertThat(incident(incidentOf(late)).severity()).isEqualTo(Severity.SEV4);
    }

    @Test
    void aPageReadAgainAfterACrashBeforeItsCommitGivesTheSameEventsOnce() throws Exception {
        fake.setLinkHeaders(false); // paging by full pages alone
        for (int i = 0; i < 150; i++) {
            fake.setNow(T0.plusSeconds(i));
            ObjectNode rec = opened(ALICE, "Alert " + i, "2", "2");
            fake.updateAs("bob", rec.path("sys_id").asText(), fields().put("state", "2").put("work_notes", "ack " + i));
        }
        PollPage read = poller.poll(null);
        // crash: nothing committed
        PollPage again = poller.poll(store.watermark("servicenow").orElse(null));
        assertThat(again.nextWatermark()).isEqualTo(read.nextWatermark());
        assertThat(again.more()).isTrue();
        assertThat(again.events()).extracting(NewEvent::ceId).containsExactlyElementsOf(read.events().stream().map(NewEvent::ceId).toList());
        assertThat(again.events()).hasSize(300);

        List<AppendOutcome> first = append(again);
        List<AppendOutcome> replay = append(read);
        assertThat(appended(first)).isEqualTo(300);
        assertThat(replay).allMatch(o -> o.kind() == AppendOutcome.Kind.DUPLICATE);
        sync();

        assertThat(store.incidents(null, 1000)).hasSize(150).allMatch(i -> i.status() == IncidentStatus.ACKNOWLEDGED);
        assertThat(store.since(null, 10_000)).hasSize(150 * 3);
    }

    @Test
    void aRecordUpdatedBetweenPagesDoesNotHideTheUnreadRecordsOfItsSecond() throws Exception {
        fake.setLinkHeaders(false); // pages of the shipped 100 records: the second below straddles the first boundary
        fake.setNow(T0.minus(Duration.ofHours(2)));
        for (int i = 0; i < 98; i++) {
            opened("erin", "Earlier " + i, "3", "2");
        }
        fake.setNow(T0.minus(Duration.ofHours(1))); // one second shared by records on both sides of the page boundary
        List<ObjectNode> sameSecond = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sameSecond.add(opened("erin", "Same second " + i, "3", "2"));
        }
        sameSecond.sort(java.util.Comparator.comparing(r -> r.path("sys_id").asText()));

        PollPage first = poller.poll(null);
        append(first);
        assertThat(first.more()).isTrue();
        // someone works a record of that second that the first page read, before the next page is read
        fake.setNow(T0.plusSeconds(30));
        fake.updateAs(ALICE, sameSecond.get(0).path("sys_id").asText(), fields().put("state", "2"));
        sync();

        assertThat(store.incidents(null, 1000)).as("every record declared, none skipped").hasSize(102);
        assertThat(sameSecond).allSatisfy(r -> assertThat(store.incident(incidentOf(r))).isPresent());
        assertThat(types(incidentOf(sameSecond.get(0)))).containsExactly(DECLARE, ACK);
    }

    @Test
    void recordsTheGatewayCreatedMapToTheirIncidentAndItsOwnChangesDoNotComeBack() throws Exception {
        ExternalRef linked = declaredInGateway("INC-7", true);
        ExternalRef inFlight = declaredInGateway("INC-8", false); // created, ref not stored yet
        store.append(NewEvent.builder(EventType.ACK, "carol").incident("INC-7").build());
        fake.updateAs(FakeServiceNow.USER, linked.externalId(), fields().put("state", "2").put("work_notes", "Acknowledged by carol."));
        assertThat(appended(sync())).isZero();
        assertThat(store.incidents(null, 100)).extracting(Incident::id).containsExactlyInAnyOrder("INC-7", "INC-8");

        fake.setNow(T0.plusSeconds(60));
        fake.updateAs(ALICE, linked.externalId(), resolvedFields().put("work_notes", "fixed upstream"));
        fake.updateAs(ALICE, inFlight.externalId(), fields().put("comments", "still broken for EU"));
        sync();

        assertThat(types("INC-7")).containsExactly(DECLARE, ACK, RESOLVE, NOTE);
        assertThat(timeline("INC-7").get(2).source()).isEqualTo("/connectors/servicenow");
        assertThat(types("INC-8")).containsExactly(DECLARE, NOTE);
        assertThat(store.incidents(null, 100)).hasSize(2);
    }

    @Test
    void changesMadeByTheGatewayUserAreSkipped() throws Exception {
        ObjectNode rec = opened(ALICE, "VPN down", "2", "2");
        fake.createAs(FakeServiceNow.USER, fields().put("short_description", "made by the integration user elsewhere"));
        sync();
        fake.setNow(T0.plusSeconds(60));
        fake.updateAs(FakeServiceNow.USER, rec.path("sys_id").asText(), fields().put("state", "2").put("work_notes", "our own words"));
        assertThat(appended(sync())).isZero();
        assertThat(types(incidentOf(rec))).containsExactly(DECLARE);
        assertThat(store.incidents(null, 100)).hasSize(1);
    }

    @Test
    void refusedCredentialsAreAnAuthFailureWithoutThePassword() {
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("SERVICENOW_PASSWORD", "wrong-password-123");
        assertThatThrownBy(() -> poller(env).poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.AUTH);
            assertThat(f.getMessage()).isEqualTo("ServiceNow incident: HTTP 401: User Not Authenticated: Required to provide Auth information")
                    .doesNotContain("wrong-password-123");
        });
        fake.failNext(1, 403, Map.of(), "{\"error\":{\"message\":\"Insufficient rights\",\"detail\":\"ACL\"},\"status\":\"failure\"}");
        assertThatThrownBy(() -> poller.poll(null)).isInstanceOfSatisfying(PollFailure.class,
                f -> assertThat(f.kind()).isEqualTo(PollFailure.Kind.AUTH));
    }

    @Test
    void rateLimitsOutagesAndSilenceAreTransient() throws Exception {
        fake.failNext(1, 429, Map.of("Retry-After", "7"), "{\"error\":{\"message\":\"Too many requests\"},\"status\":\"failure\"}");
        assertThatThrownBy(() -> poller.poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT);
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
        fake.setDown(true);
        assertThatThrownBy(() -> poller.poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT);
            assertThat(f.getMessage()).isEqualTo("ServiceNow incident: HTTP 503: Service Unavailable");
        });
        fake.setDown(false);
        fake.failNext(1, 200, Map.of("Content-Type", "text/html"), "<html>Your instance is hibernating</html>");
        assertThatThrownBy(() -> poller.poll(null)).isInstanceOfSatisfying(PollFailure.class,
                f -> assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("SERVICENOW_URL", "http://127.0.0.1:" + port);
        assertThatThrownBy(() -> poller(env).poll(null)).isInstanceOfSatisfying(PollFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(PollFailure.Kind.TRANSIENT);
            assertThat(f.getMessage()).startsWith("ServiceNow incident: HTTP no answer");
        });
    }
}
