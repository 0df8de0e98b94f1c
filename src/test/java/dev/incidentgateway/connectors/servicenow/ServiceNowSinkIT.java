package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.connectors.servicenow.ServiceNowFixtures.Timeline;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.DeliveryResult.Dead;
import dev.incidentgateway.outbox.DeliveryResult.Delivered;
import dev.incidentgateway.outbox.DeliveryResult.Retry;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.timeline.EventType.*;
import static dev.incidentgateway.timeline.IncidentStatus.*;
import static dev.incidentgateway.timeline.Severity.SEV2;
import static dev.incidentgateway.timeline.Severity.SEV4;
import static org.assertj.core.api.Assertions.assertThat;

/** The ServiceNow sink over real HTTP (camel-http) against {@link FakeServiceNow}. */
class ServiceNowSinkIT {
    private static final String ENVELOPE_400 = "{\"error\":{\"message\":\"Invalid value for field urgency\","
            + "\"detail\":\"'9' is not a valid choice\"},\"status\":\"failure\"}";
    private static DefaultCamelContext camel;
    private static SinkHttpClient http;
    private FakeServiceNow fake;
    private Sink sink;

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
        http = new SinkHttpClient(camel.createProducerTemplate());
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    @BeforeEach
    void start() {
        fake = new FakeServiceNow();
        sink = sink(ServiceNowFixtures.shippedDescriptor(), fake.env());
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void declareAckNoteResolveCloseDriveOneIncidentRecord() {
        Timeline t = new Timeline("INC-101", SEV2, "Checkout latency above SLO");
        ExternalRef ref = created(sink.deliver(t.event(DECLARE, DECLARED, "alice", "p99 at 2.3s", null)));
        assertThat(ref.incidentId()).isEqualTo("INC-101");
        assertThat(ref.connector()).isEqualTo("servicenow");
        assertThat(ref.externalId()).matches("[0-9a-f]{32}");
        assertThat(ref.externalKey()).isEqualTo("INC0010001");
        assertThat(ref.url()).isEqualTo(fake.baseUrl() + "/nav_to.do?uri=incident.do?sys_id=" + ref.externalId());
        assertThat(fake.requests()).containsExactly(
                "GET /api/now/table/incident?sysparm_query=correlation_id%3DINC-101&sysparm_fields=sys_id,number&sysparm_limit=1",
                "POST /api/now/table/incident");
        ObjectNode rec = fake.record("INC-101");
        assertThat(rec.path("short_description").asText()).isEqualTo("[sev2] Checkout latency above SLO");
        assertThat(rec.path("description").asText()).contains("p99 at 2.3s", "alice", "INC-101");
        assertThat(rec.path("urgency").asText()).isEqualTo("1");
        assertThat(rec.path("impact").asText()).isEqualTo("2");
        assertThat(rec.path("correlation_display").asText()).isEqualTo("incident-gateway");
        assertThat(rec.path("state").asText()).isEqualTo("1");

        assertThat(sink.deliver(t.event(ACK, ACKNOWLEDGED, "alice", "on it", ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(fake.record("INC-101").path("state").asText()).isEqualTo("2");
        assertThat(sink.deliver(t.event(NOTE, ACKNOWLEDGED, "bob", "rolled back 4.2.1", ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(sink.deliver(t.event(RESOLVE, RESOLVED, "alice", "latency back to 180ms", ref))).isEqualTo(DeliveryResult.delivered());
        rec = fake.record("INC-101");
        assertThat(rec.path("state").asText()).isEqualTo("6");
        assertThat(rec.path("close_code").asText()).isEqualTo("Solution provided");
        assertThat(rec.path("close_notes").asText()).isEqualTo("Resolved by alice: latency back to 180ms");
        assertThat(sink.deliver(t.event(CLOSE, CLOSED, "alice", "", ref))).isEqualTo(DeliveryResult.delivered());

        assertThat(fake.record("INC-101").path("state").asText()).isEqualTo("7");
        assertThat(fake.workNotes("INC-101")).containsExactly("Acknowledged by alice. on it", "bob: rolled back 4.2.1",
                "Closed by alice.");
        assertThat(fake.receivedFor("INC-101")).containsExactly("declare", "ack", "note", "resolve", "close");
        assertThat(fake.ticketCount("INC-101")).isEqualTo(1);
        assertThat(fake.incidents()).containsExactly("INC-101");
    }

    @Test
    void aSeverityChangeSetsUrgencyAndImpactAndWritesAWorkNote() {
        Timeline t = new Timeline("INC-109", SEV4, "Slow search");
        ExternalRef ref = created(sink.deliver(t.event(DECLARE, DECLARED, "alice", "", null)));
        assertThat(fake.record("INC-109").path("urgency").asText()).isEqualTo("3");
        ObjectNode escalate = JsonNodeFactory.instance.objectNode().put("severity", "sev2").put("previousSeverity", "sev4")
                .put("reason", "customer impact");
        assertThat(sink.deliver(t.event(STATE_CHANGE, DECLARED, "carol", "", escalate, ref))).isEqualTo(DeliveryResult.delivered());
        ObjectNode rec = fake.record("INC-109");
        assertThat(rec.path("urgency").asText()).as("sev2's levels, as a sev2 record is created with").isEqualTo("1");
        assertThat(rec.path("impact").asText()).isEqualTo("2");
        assertThat(rec.path("state").asText()).as("the status was not changed").isEqualTo("1");
        ObjectNode both = JsonNodeFactory.instance.objectNode().put("to", "acknowledged").put("severity", "sev1")
                .put("previousSeverity", "sev2");
        assertThat(sink.deliver(t.event(STATE_CHANGE, ACKNOWLEDGED, "carol", "", both, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(fake.record("INC-109").path("impact").asText()).isEqualTo("1");
        assertThat(fake.record("INC-109").path("state").asText()).isEqualTo("2");
        assertThat(fake.workNotes("INC-109")).containsExactly("Severity changed sev4 → sev2 by carol: customer impact",
                "Severity changed sev2 → sev1 by carol\nStatus set to acknowledged by carol.");
    }

    @Test
    void roleAssignMitigateAndStateChangesIncludingReopen() {
        Timeline t = new Timeline("INC-102", SEV2, "Queue backlog");
        ExternalRef ref = created(sink.deliver(t.event(DECLARE, DECLARED, "alice", "", null)));
        ObjectNode role = JsonNodeFactory.instance.objectNode().put("role", "commander").put("assignee", "carol");
        assertThat(sink.deliver(t.event(ROLE_ASSIGN, DECLARED, "alice", "", role, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(sink.deliver(t.event(MITIGATE, MITIGATED, "carol", "consumers scaled", ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(fake.record("INC-102").path("state").asText()).isEqualTo("2");
        ObjectNode toResolved = JsonNodeFactory.instance.objectNode().put("to", "resolved");
        assertThat(sink.deliver(t.event(STATE_CHANGE, RESOLVED, "carol", "drained", toResolved, ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(fake.record("INC-102").path("state").asText()).isEqualTo("6");
        assertThat(fake.record("INC-102").path("close_notes").asText()).contains("drained");
        ObjectNode reopen = JsonNodeFactory.instance.objectNode().put("to", "acknowledged");
        assertThat(sink.deliver(t.event(STATE_CHANGE, ACKNOWLEDGED, "carol", "back again", reopen, ref))).isEqualTo(DeliveryResult.delivered());

        assertThat(fake.record("INC-102").path("state").asText()).isEqualTo("2");
        assertThat(fake.workNotes("INC-102").get(0)).endsWith("commander: carol");
        assertThat(fake.receivedFor("INC-102")).containsExactly("declare", "role_assign", "mitigate", "state_change", "state_change");
    }

    @Test
    void aCreateRepeatedAfterACrashReusesTheRecordFoundByCorrelationId() {
        Timeline t = new Timeline("INC-103", SEV4, "Disk 80% on db-2");
        ExternalRef first = created(sink.deliver(t.event(DECLARE, DECLARED, "alertmanager", "", null)));
        // The relay crashed before it stored the ref: the declare comes again, and then an ack, without a ref.
        ExternalRef again = created(sink.deliver(t.event(DECLARE, DECLARED, "alertmanager", "", null)));
        ExternalRef viaAck = created(sink.deliver(t.event(ACK, ACKNOWLEDGED, "dave", "", null)));

        assertThat(again).isEqualTo(first);
        assertThat(viaAck).isEqualTo(first);
        assertThat(fake.ticketCount("INC-103")).isEqualTo(1);
        assertThat(fake.record("INC-103").path("state").asText()).isEqualTo("2");
        assertThat(fake.record("INC-103").path("urgency").asText()).isEqualTo("3");
        assertThat(fake.record("INC-103").path("impact").asText()).isEqualTo("2");
        assertThat(fake.receivedFor("INC-103")).containsExactly("declare", "ack");
    }

    @Test
    void anErrorEnvelopeWith400IsDeadWithMessageAndDetail() {
        fake.failNext(1, 400, Map.of("Content-Type", "application/json"), ENVELOPE_400);
        DeliveryResult r = sink.deliver(new Timeline("INC-104", SEV2, "x").event(DECLARE, DECLARED, "a", "", null));

        assertThat(r).isInstanceOf(Dead.class);
        assertThat(((Dead) r).reason()).isEqualTo("HTTP 400: Invalid value for field urgency: '9' is not a valid choice");
        assertThat(fake.ticketCount("INC-104")).isZero();
    }

    /**
     * Security review: a vendor that echoes the request's credentials in its error body put the URL-encoded and base64
     * forms of the password (and the base64 of user:password, as Basic auth sends it) into the failure reason.
     */
    @Test
    void anErrorEchoingEncodedCredentialsHoldsNoFormOfThem() {
        String password = "p@ss+w/rd=?&~ é!";
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("SERVICENOW_PASSWORD", password);
        Sink echoed = sink(ServiceNowFixtures.shippedDescriptor(), env);
        Map<String, String> forms = new java.util.LinkedHashMap<>(dev.incidentgateway.testsupport.EchoedSecrets.forms(password));
        dev.incidentgateway.testsupport.EchoedSecrets.base64(FakeServiceNow.USER + ":" + password)
                .forEach((name, form) -> forms.put("user:password " + name, form));
        int n = 0;
        for (Map.Entry<String, String> form : forms.entrySet()) {
            fake.failNext(1, 400, Map.of("Content-Type", "application/json"),
                    "{\"error\":{\"message\":\"Bad request\",\"detail\":\"got password=" + form.getValue() + " end\"},\"status\":\"failure\"}");
            DeliveryResult r = echoed.deliver(new Timeline("INC-19" + n++, SEV2, "x").event(DECLARE, DECLARED, "a", "", null));
            assertThat(r).as(form.getKey()).isEqualTo(new Dead("HTTP 400: Bad request: got password=*** end"));
        }
    }

    @Test
    void aRecordTheInstanceRefusesIsDeadWithItsReason() {
        SinkDescriptor d = ServiceNowFixtures.shippedDescriptor();
        Map<String, String> templates = new HashMap<>(d.templates());
        templates.put("short_description", "${incident.commander}");   // renders empty: the fake requires it
        Sink blank = sink(new SinkDescriptor(d.name(), d.events(), d.minSeverity(), templates, d.raw()), fake.env());

        DeliveryResult r = blank.deliver(new Timeline("INC-105", SEV2, "x").event(DECLARE, DECLARED, "a", "", null));
        assertThat(r).isEqualTo(new Dead("HTTP 400: Mandatory field missing: Field short_description is mandatory"));
        ExternalRef gone = new ExternalRef("INC-105", "servicenow", "0".repeat(32), "INC0000000", null, null);
        DeliveryResult patch = sink.deliver(new Timeline("INC-105", SEV2, "x").event(ACK, ACKNOWLEDGED, "a", "", gone));
        assertThat(patch).isInstanceOf(Dead.class);
        assertThat(((Dead) patch).reason()).startsWith("HTTP 404: No Record found");
    }

    @Test
    void rateLimitIsRetriedAfterRetryAfter() {
        // Once: SinkHttpClient turns off Apache HttpClient's own 429/503 retry (retries are the outbox's job).
        fake.failNext(1, 429, Map.of("Retry-After", "1"),
                "{\"error\":{\"message\":\"Too many requests\",\"detail\":\"Rate limit exceeded\"},\"status\":\"failure\"}");
        Timeline t = new Timeline("INC-106", SEV2, "x");
        DeliveryResult r = sink.deliver(t.event(DECLARE, DECLARED, "a", "", null));

        assertThat(r).isEqualTo(new Retry("HTTP 429: Too many requests: Rate limit exceeded", Duration.ofSeconds(1)));
        assertThat(sink.deliver(t.event(DECLARE, DECLARED, "a", "", null))).isInstanceOf(Delivered.class);
        assertThat(fake.ticketCount("INC-106")).isEqualTo(1);
    }

    @Test
    void serverErrorsAndOutagesAreRetriedWithBackoff() {
        Timeline t = new Timeline("INC-107", SEV2, "x");
        ExternalRef ref = created(sink.deliver(t.event(DECLARE, DECLARED, "a", "", null)));
        fake.failNext(1, 500, Map.of("Content-Type", "text/html"), "<html><body><h1>Internal Server Error</h1></body></html>");
        assertThat(sink.deliver(t.event(ACK, ACKNOWLEDGED, "a", "", ref)))
                .isEqualTo(new Retry("HTTP 500: Internal Server Error", null));
        fake.setDown(true);
        assertThat(sink.deliver(t.event(ACK, ACKNOWLEDGED, "a", "", ref))).isEqualTo(new Retry("HTTP 503: Service Unavailable", null));
        fake.setDown(false);
        assertThat(sink.deliver(t.event(ACK, ACKNOWLEDGED, "a", "", ref))).isEqualTo(DeliveryResult.delivered());
        assertThat(fake.receivedFor("INC-107")).containsExactly("declare", "ack");
    }

    @Test
    void theDescriptionLinksToTheIncidentsConsolePageWithGatewayPublicUrlUnlessTheDescriptorHasItsOwnLink() {
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("GATEWAY_PUBLIC_URL", "https://gw.example.com");
        created(sink(ServiceNowFixtures.shippedDescriptor(), env).deliver(new Timeline("INC-110", SEV2, "x")
                .event(DECLARE, DECLARED, "a", "body text", null)));
        assertThat(fake.record("INC-110").path("description").asText())
                .endsWith("as INC-110 (Incident Gateway). https://gw.example.com/#/incidents/INC-110");

        SinkDescriptor d = ServiceNowFixtures.shippedDescriptor();
        SinkDescriptor own = new SinkDescriptor(d.name(), d.events(), d.minSeverity(), d.templates(),
                ((ObjectNode) d.raw().deepCopy()).put("link", "https://ui.example.com/i/${incident.id}"));
        created(sink(own, env).deliver(new Timeline("INC-111", SEV2, "x").event(DECLARE, DECLARED, "a", "", null)));
        assertThat(fake.record("INC-111").path("description").asText()).endsWith("https://ui.example.com/i/INC-111");
    }

    @Test
    void noAnswerIsRetried() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("SERVICENOW_URL", "http://127.0.0.1:" + port);
        DeliveryResult r = sink(ServiceNowFixtures.shippedDescriptor(), env)
                .deliver(new Timeline("INC-108", SEV2, "x").event(DECLARE, DECLARED, "a", "", null));

        assertThat(r).isInstanceOf(Retry.class);
        assertThat(((Retry) r).reason()).startsWith("HTTP no answer");
    }

    @Test
    void badCredentialsAreDeadAndTheReasonHoldsNoPassword() {
        Map<String, String> env = new HashMap<>(fake.env());
        env.put("SERVICENOW_PASSWORD", "not-the-password-42");
        DeliveryResult r = sink(ServiceNowFixtures.shippedDescriptor(), env)
                .deliver(new Timeline("INC-109", SEV2, "x").event(DECLARE, DECLARED, "a", "", null));

        assertThat(r).isEqualTo(new Dead("HTTP 401: User Not Authenticated: Required to provide Auth information"));
        assertThat(((Dead) r).reason()).doesNotContain("not-the-password-42", fake.password());
        assertThat(fake.ticketCount("INC-109")).isZero();
        assertThat(fake.receivedFor("INC-109")).isEqualTo(List.of());
    }

    private static Sink sink(SinkDescriptor descriptor, Map<String, String> env) {
        return new ServiceNowSinkFactory().create(descriptor, env, http);
    }

    private static ExternalRef created(DeliveryResult r) {
        assertThat(r).isInstanceOf(Delivered.class);
        ExternalRef ref = ((Delivered) r).created();
        assertThat(ref).isNotNull();
        return ref;
    }
}
