package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ServiceNowPollerIT} builds on: real HTTP (camel-http) against {@link FakeServiceNow}, an H2 store,
 * and the poll loop of SourcePoller driven by hand (poll from the committed watermark, append with the new one).
 */
abstract class ServiceNowPollHarness {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    static final String ALICE = "alice.ops";
    static DefaultCamelContext camel;
    static SinkHttpClient http;
    TestStore testStore;
    HikariDataSource dataSource;
    TimelineStore store;
    ExternalRefs refs;
    FakeServiceNow fake;
    ServiceNowPoller poller;

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
        testStore = TestStore.create(TestStore.Kind.H2);
        dataSource = StoreFactory.openAndMigrate(testStore.config());
        store = new TimelineStore(dataSource, SqlDialect.H2, "dev.incidentgateway", 256, 10_000, new SimpleMeterRegistry(), testStore.chainKey(),
                listeners());
        refs = new ExternalRefs(dataSource);
        fake = new FakeServiceNow();
        fake.setNow(T0);
        poller = poller(fake.env());
    }

    /** None: later polls find a declared record by its correlation key; the gateway's ExternalRefRecorder where a test needs it. */
    List<dev.incidentgateway.timeline.AppendListener> listeners() {
        return List.of();
    }

    @AfterEach
    void stop() {
        fake.close();
        store.close();
        dataSource.close();
        testStore.close();
    }

    /**
     * Appends one page with its watermark under {@code poller:servicenow}, as SourcePoller stamps it: the reopen rule
     * reads who resolved, and the store takes a declare's {@code data.externalRef} from that connector's poller only.
     */
    List<AppendOutcome> append(PollPage page) {
        String principal = dev.incidentgateway.security.Principal.poller("servicenow").name();
        return store.appendPolled(page.events().stream().map(e -> e.withPrincipal(principal)).toList(),
                new SourceProgress("servicenow", page.nextWatermark()));
    }

    /** Polls and appends page after page until the source has nothing more; returns every outcome. */
    List<AppendOutcome> sync() throws PollFailure {
        List<AppendOutcome> all = new ArrayList<>();
        for (int pages = 0; pages < 100; pages++) {
            PollPage page = poller.poll(store.watermark("servicenow").orElse(null));
            all.addAll(append(page));
            if (!page.more()) {
                return all;
            }
        }
        throw new AssertionError("the poller did not catch up in 100 pages");
    }

    static long appended(List<AppendOutcome> outcomes) {
        return outcomes.stream().filter(o -> o.kind() == AppendOutcome.Kind.APPENDED).count();
    }

    /** A record someone else opened in the instance, at the fake's current time. */
    ObjectNode opened(String user, String title, String urgency, String impact) {
        return fake.createAs(user, fields().put("short_description", title).put("description", "seen by " + user)
                .put("urgency", urgency).put("impact", impact));
    }

    static ObjectNode fields() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ObjectNode resolvedFields() {
        return fields().put("state", "6").put("close_code", "Solution provided").put("close_notes", "rolled back the deploy");
    }

    /** The gateway incident declared from a record: SN-<digits of its number>. */
    static String incidentOf(ObjectNode record) {
        return "SN-" + record.path("number").asText().replaceAll("\\D", "");
    }

    List<EventType> types(String incidentId) {
        return store.timeline(incidentId, null, 1000).stream().map(TimelineEvent::type).toList();
    }

    List<TimelineEvent> timeline(String incidentId) {
        return store.timeline(incidentId, null, 1000);
    }

    Incident incident(String id) {
        return store.incident(id).orElseThrow(() -> new AssertionError("no incident " + id));
    }

    /** A gateway incident, declared through the API and delivered by the sink (which creates its record). */
    ExternalRef declaredInGateway(String incidentId, boolean storeRef) throws Exception {
        store.append(NewEvent.builder(EventType.DECLARE, "carol").incident(incidentId).title("Checkout errors")
                .severity(Severity.SEV2).build());
        dev.incidentgateway.outbox.Sink sink = new ServiceNowSinkFactory().create(ServiceNowFixtures.shippedDescriptor(), fake.env(), http);
        DeliveryResult r = sink.deliver(new ServiceNowFixtures.Timeline(incidentId, Severity.SEV2, "Checkout errors")
                .event(EventType.DECLARE, IncidentStatus.DECLARED, "carol", "5xx at 4%", null));
        ExternalRef ref = ((DeliveryResult.Delivered) r).created();
        if (storeRef) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO external_refs "
                    + "(incident_id, connector, external_id, external_key, channel, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, ref.incidentId());
                ps.setString(2, ref.connector());
                ps.setString(3, ref.externalId());
                ps.setString(4, ref.externalKey());
                ps.setString(5, null);
                ps.setString(6, ref.url());
                ps.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
        return ref;
    }

    /** A poller for the fake with these settings, its clock the fake's (the first sync reads back from the fake's now). */
    ServiceNowPoller poller(Map<String, String> env) {
        return new ServiceNowPoller(ServiceNowPollSettings.from(ServiceNowFixtures.shippedDescriptor().raw(), env), http, refs,
                fake.clock());
    }
}
