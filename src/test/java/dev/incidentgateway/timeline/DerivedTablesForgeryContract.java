package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.ExternalRefRecorder;
import dev.incidentgateway.sla.SlaPolicies;
import dev.incidentgateway.sla.SlaPolicy;
import dev.incidentgateway.sla.SlaTarget;
import dev.incidentgateway.sla.SlaTracker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables derived from the log besides the views, written behind the gateway's back by anyone who may write them (the
 * runtime role included): a correlation key bound to an incident absorbed that alert's firings, a settled mark stopped an
 * incident's SLA notes, and verify said OK. Each forgery must now be a line of verify (CLI and per-incident check), and a
 * busy store the gateway wrote alone must still verify OK.
 */
abstract class DerivedTablesForgeryContract extends AuditChainHarness {
    private static final String KEY = "alertmanager:deadbeefdeadbeef";

    /** The gateway's writer with the recorder of polled tickets' links (external_refs), which the forgeries below copy. */
    @BeforeEach
    void startGatewayWithTicketLinks() {
        startGateway(List.of(new ExternalRefRecorder()));
    }

    /** The verify CLI's exit code, a space and its output: one string to match on. */
    private String verifyCli() throws Exception {
        Run run = verify();
        return run.exit() + " " + run.output();
    }

    /** Plain SQL on the gateway's own pool: unlike {@link #asAdmin}, the log's append-only triggers stay on. */
    private void sql(String statement) throws Exception {
        try (var c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    private static NewEvent declare(String id, Severity severity) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("Checkout failing").severity(severity).build();
    }

    private static NewEvent firing(String key, String at) {
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title("HighLatency").correlationKey(key)
                .source("/webhooks/alertmanager").ceId(key + ":firing:" + at).build();
    }

    private static NewEvent resolved(String key, String at) {
        return NewEvent.builder(EventType.RESOLVE, "alertmanager").correlationKey(key)
                .source("/webhooks/alertmanager").ceId(key + ":resolved:" + at).build();
    }

    private static NewEvent reopen(String id) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("to", "acknowledged").put("reason", "not fixed");
        return NewEvent.builder(EventType.STATE_CHANGE, "bob").incident(id).data(data).build();
    }

    private void assertIncidentCheckFails(String id, String reason) throws Exception {
        ChainVerifier.Report one = store.verifier().verify(id);
        assertThat(one.broken()).extracting(ChainVerifier.BrokenLink::reason).anySatisfy(r -> assertThat(r).contains(reason));
    }

    @Test
    void aCorrelationKeyBoundToAnIncidentWhoseDeclareBoundNoneIsReported() throws Exception {
        store.append(declare("INC-77", Severity.SEV2));
        assertThat(verifyCli()).startsWith("0 OK");
        sql("INSERT INTO correlation_keys VALUES ('" + KEY + "', 'INC-77', CURRENT_TIMESTAMP)");
        assertThat(store.append(firing(KEY, "t1")).kind()).as("the forgery absorbs the alert").isEqualTo(AppendOutcome.Kind.CORRELATED);

        assertThat(verifyCli()).startsWith("1 ").contains("BROKEN: incident INC-77 at seq 1: correlation_keys binds key '" + KEY
                + "' to it, but its declare bound no key");
        assertIncidentCheckFails("INC-77", "correlation_keys binds key");
    }

    @Test
    void aCorrelationKeyOfAResolvedIncidentOrOfNoIncidentIsReported() throws Exception {
        String resolvedOne = store.append(firing(KEY, "t1")).incidentId();
        store.append(resolved(KEY, "t2"));
        sql("INSERT INTO correlation_keys VALUES ('" + KEY + "', '" + resolvedOne + "', CURRENT_TIMESTAMP)");
        sql("INSERT INTO correlation_keys VALUES ('alertmanager:feed', 'INC-999', CURRENT_TIMESTAMP)");

        assertThat(verifyCli()).startsWith("1 ").contains("incident " + resolvedOne + " at seq 2: correlation_keys binds key '" + KEY
                + "' to it, but its log gives it resolved or closed").contains("incident INC-999: correlation_keys binds key "
                + "'alertmanager:feed' to it, but the log has no event of this incident");
    }

    @Test
    void anOpenAlertIncidentWhoseKeyWasDeletedIsReported() throws Exception {
        String open = store.append(firing(KEY, "t1")).incidentId();
        sql("DELETE FROM correlation_keys");

        assertThat(verifyCli()).startsWith("1 ").contains("incident " + open + " at seq 1: its declare bound key '" + KEY
                + "' and it is open, but correlation_keys has no row for it");
        assertIncidentCheckFails(open, "correlation_keys has no row for it");
    }

    @Test
    void aReleasedCorrelationKeyTheIncidentNeverHeldIsReported() throws Exception {
        store.append(declare("INC-79", Severity.SEV2));
        store.append(NewEvent.builder(EventType.RESOLVE, "alice").incident("INC-79").build());
        sql("INSERT INTO released_correlation_keys VALUES ('INC-79', '" + KEY + "', CURRENT_TIMESTAMP)");
        String held = store.append(firing("alertmanager:cafe", "t1")).incidentId(); // open: nothing released yet
        sql("INSERT INTO released_correlation_keys VALUES ('" + held + "', 'alertmanager:cafe', CURRENT_TIMESTAMP)");

        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-79 at seq 1: released_correlation_keys holds key '" + KEY
                + "' for it, but its declare bound no key").contains("incident " + held + " at seq 1: released_correlation_keys holds "
                + "key 'alertmanager:cafe' for it, but its log has no resolve or close that released it");
        assertIncidentCheckFails("INC-79", "released_correlation_keys");
    }

    @Test
    void aSettledMarkWrittenBeforeItsIncidentExistsIsReportedBeforeAndAfterTheDeclare() throws Exception {
        sql("INSERT INTO sla_settled (incident_id, last_seq, settled_at) VALUES ('INC-78', 1, CURRENT_TIMESTAMP)");
        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-78: sla_settled marks it settled at seq 1, but the log "
                + "has no event of this incident");

        store.append(declare("INC-78", Severity.SEV1));
        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-78 at seq 1: sla_settled marks it settled for good at "
                + "seq 1, but its log gives it open after that event");
        sql("UPDATE sla_settled SET last_seq = 7");
        assertIncidentCheckFails("INC-78", "sla_settled marks it settled at seq 7, but its log ends at seq 1");
    }

    @Test
    void anOutboxRowOfAnEventNotInTheLogIsReported() throws Exception {
        TimelineEvent declared = store.append(declare("INC-80", Severity.SEV2)).event();
        sql("INSERT INTO outbox (connector, incident_id, event_id, event_seq, status, next_attempt_at, created_at, delivered_at) "
                + "VALUES ('slack', 'INC-80', '01JAAAAAAAAAAAAAAAAAAAAAAA', 2, 'delivered', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                + "CURRENT_TIMESTAMP)");
        sql("INSERT INTO outbox (connector, incident_id, event_id, event_seq, status, next_attempt_at, created_at) "
                + "VALUES ('jira', 'INC-80', '" + declared.id() + "', 5, 'dead', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");

        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-80 at seq 2: outbox row of 'slack' (status 'delivered') "
                + "for event 01JAAAAAAAAAAAAAAAAAAAAAAA, which is not in the log").contains("incident INC-80 at seq 5: outbox "
                + "row of 'jira' (status 'dead') for event " + declared.id() + ", which the log has as INC-80 seq 1");
        assertIncidentCheckFails("INC-80", "which is not in the log");
    }

    @Test
    void anExternalRefUrlOtherThanThePollersDeclareRecordedIsReported() throws Exception {
        store.append(polledDeclare("INC-81"));
        assertThat(verifyCli()).startsWith("0 OK");
        sql("UPDATE external_refs SET url = 'https://phish.example/login' WHERE incident_id = 'INC-81'");

        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-81 at seq 1: external_refs url of its 'jira' ticket is "
                + "'https://phish.example/login', its declare's data.externalRef gives 'https://jira.example/browse/OPS-1'");
        assertIncidentCheckFails("INC-81", "external_refs url");
    }

    @Test
    void aTicketLinkFromADeclareItsPollerDidNotMakeIsReported() throws Exception {
        // A write key's declare naming someone else's Jira issue, as the store took it before it refused that (written past
        // the store's check here), and its external_refs row as the recorder then wrote it (or a database writer did).
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("externalRef").put("connector", "jira").put("externalId", "99999").put("externalKey", "FIN-7")
                .put("url", "https://evil.example/phish");
        appendPastTheStoresCheck(NewEvent.builder(EventType.DECLARE, "a").incident("INC-82").title("hijack").data(data)
                .principal("key:w").build());
        assertThat(verifyCli()).as("the log alone is intact").startsWith("0 OK");
        sql("DELETE FROM external_refs WHERE incident_id = 'INC-82'");
        sql("INSERT INTO external_refs (incident_id, connector, external_id, external_key, channel, url, created_at) "
                + "VALUES ('INC-82', 'jira', '99999', 'FIN-7', NULL, 'https://evil.example/phish', CURRENT_TIMESTAMP)");

        assertThat(verifyCli()).startsWith("1 ").contains("incident INC-82 at seq 1: external_refs links it to 'jira' ticket 'FIN-7' "
                + "from its declare's data.externalRef, but that declare was made by 'key:w', not the connector's poller 'poller:jira'");
        assertIncidentCheckFails("INC-82", "not the connector's poller 'poller:jira'");
    }

    /** Appends as the store did before {@link ExternalRefProvenance}: straight to the writer, skipping EventLimits. */
    private void appendPastTheStoresCheck(NewEvent e) throws Exception {
        java.lang.reflect.Field submission = TimelineStore.class.getDeclaredField("submission");
        submission.setAccessible(true);
        ((AppendSubmission) submission.get(store)).await(List.of(e), AppendMode.ALL_OR_NOTHING, null);
    }

    private static NewEvent polledDeclare(String id) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putObject("externalRef").put("connector", "jira").put("externalId", "10001").put("externalKey", "OPS-1")
                .put("url", "https://jira.example/browse/OPS-1");
        return NewEvent.builder(EventType.DECLARE, "jira").incident(id).title("From Jira").data(data).source("/connectors/jira")
                .ceId(id + ":created").principal("poller:jira").build();
    }

    /**
     * Alerts firing, repeating, resolving and firing again; a reopen that takes its key back and one that leaves it with
     * the incident that took it meanwhile (then resolved); acks and resolves by hand; a polled declare with its ticket;
     * the SLA tracker's notes and settled marks: nothing to report.
     */
    @Test
    void aBusyStoreTheGatewayWroteAloneVerifiesOk() throws Exception {
        for (int i = 0; i < 5; i++) {
            String key = "alertmanager:" + i;
            String first = store.append(firing(key, "a")).incidentId();
            store.append(firing(key, "b")); // absorbed
            store.append(resolved(key, "c"));
            String second = store.append(firing(key, "d")).incidentId();
            if (i % 2 == 0) {
                store.append(reopen(first)); // the key stays with the second
                store.append(resolved(key, "e"));
            } else {
                store.append(resolved(key, "e"));
                store.append(reopen(second)); // takes its key back
            }
        }
        store.appendAll(List.of(firing("alertmanager:group", "a"), resolved("alertmanager:group", "b")));
        for (int i = 0; i < 4; i++) {
            String id = "OPS-" + i;
            store.append(declare(id, i % 2 == 0 ? Severity.SEV1 : Severity.SEV3));
            store.append(NewEvent.builder(EventType.ACK, "bob").incident(id).build());
            if (i < 2) {
                store.append(NewEvent.builder(EventType.RESOLVE, "bob").incident(id).build());
            }
        }
        store.append(polledDeclare("INC-500"));
        SlaTracker sla = new SlaTracker(store, new SlaPolicies(Map.of(Severity.SEV1, new SlaPolicy(Map.of(SlaTarget.ACKNOWLEDGE,
                Duration.ofSeconds(1), SlaTarget.RESOLVE, Duration.ofSeconds(2)), 50, null))),
                Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC), new SimpleMeterRegistry());
        List<NewEvent> notes = sla.dueNotes();
        assertThat(notes).as("breaches of the sev1 incidents").isNotEmpty();
        store.appendAll(notes);
        assertThat(sla.dueNotes()).isEmpty(); // settles them
        try (var c = dataSource.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM sla_settled")) {
            rs.next();
            assertThat(rs.getLong(1)).as("settled marks written").isPositive();
        }

        String run = verifyCli();
        assertThat(run).startsWith("0 OK");
        assertThat(store.verifier().verifyAll().broken()).isEmpty();
    }
}
