package dev.incidentgateway.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.cloudevents.TimelineCloudEventMapper;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.ExternalRefRecorder;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.outbox.OutboxModule;
import dev.incidentgateway.outbox.OutboxRelay;
import dev.incidentgateway.outbox.OutboxRow;
import dev.incidentgateway.outbox.OutboxStore;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code timeline:outbox} consumer with a route written in YAML (routes-test/timeline-outbox.camel.yaml) against a
 * real store: rows written with the event for the route's subscription, one exchange per row in per-incident order,
 * and every kind of outcome a route can have recorded in the row.
 */
abstract class TimelineOutboxConsumerContract extends CamelTestSupport {
    private static final String CONNECTOR = "test-target";

    private TestStore testStore;
    private HikariDataSource dataSource;
    private TimelineStore store;
    private OutboxModule outbox;
    private final RecordingTarget target = new RecordingTarget();

    abstract TestStore.Kind kind();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        if (kind() == TestStore.Kind.POSTGRESQL) {
            PostgresTestDatabase.assumeAvailable();
        }
        testStore = TestStore.create(kind());
        GatewayConfig config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        outbox = new OutboxModule(List.of(), Set.of(), dataSource);
        store = new TimelineStore(dataSource, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)), "dev.incidentgateway", 64, 1000,
                new SimpleMeterRegistry(), testStore.chainKey(), List.of(outbox.writer(), new ExternalRefRecorder()));
        // A retried row waits far longer than a test: each test sees exactly one attempt unless it replays.
        outbox.configureRelays(store, new OutboxRelay.Settings(Duration.ofSeconds(60), 3, 4), 50, new SimpleMeterRegistry(),
                Clock.systemUTC());
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(GatewayJson.create()))
                .withOutbox(outbox, new TimelineCloudEventMapper("dev.incidentgateway", GatewayJson.create())));
        context.getRegistry().bind("recordingTarget", target);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveResource(context, "classpath:routes-test/timeline-outbox.camel.yaml"));
        return context;
    }

    @AfterEach
    void closeStore() {
        if (testStore != null) {
            context.stop();
            store.close();
            dataSource.close();
            testStore.close();
        }
    }

    private void declare(String id, String title, Severity severity) {
        store.append(NewEvent.builder(EventType.DECLARE, "alice").incident(id).title(title).severity(severity).build());
    }

    private void event(String id, EventType type) {
        store.append(NewEvent.builder(type, "bob").incident(id).content(type.wireName() + " of " + id).build());
    }

    private List<OutboxRow> rows(String incidentId) throws Exception {
        return new OutboxStore(dataSource).list(CONNECTOR, null, 0, 100).stream().filter(r -> r.incidentId().equals(incidentId)).toList();
    }

    private OutboxRow settled(String incidentId, long seq) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> rows(incidentId).stream()
                .filter(r -> r.eventSeq() == seq && (!r.status().equals("pending") || r.lastError() != null)).findFirst().orElse(null),
                r -> r != null);
    }

    @Test
    void eachCommittedEventIsOneExchangeInIncidentOrderAndACreatedTicketIsRecordedAndSentWithLaterEvents() throws Exception {
        declare("OC-1", "disk full", Severity.SEV2);
        declare("OC-2", "below the subscription", Severity.SEV4);
        event("OC-1", EventType.ACK);
        event("OC-1", EventType.NOTE);
        event("OC-1", EventType.RESOLVE);

        await().atMost(Duration.ofSeconds(30)).until(() -> rows("OC-1").stream().allMatch(r -> r.status().equals("delivered"))
                && rows("OC-1").size() == 4);
        assertThat(rows("OC-2")).as("sev4 is below minSeverity=sev3 on the route's URI: no row at all").isEmpty();
        List<Map<String, Object>> seen = target.exchangesOf("OC-1");
        assertThat(seen).extracting(h -> h.get(TimelineHeaders.EVENT_SEQ)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seen).extracting(h -> h.get(TimelineHeaders.EVENT_TYPE)).containsExactly("declare", "ack", "note", "resolve");
        Map<String, Object> declare = seen.get(0);
        assertThat(declare).containsEntry(TimelineHeaders.CONNECTOR, CONNECTOR).containsEntry(TimelineHeaders.INCIDENT_ID, "OC-1")
                .containsEntry(TimelineHeaders.INCIDENT_SEVERITY, "sev2").containsEntry(TimelineHeaders.INCIDENT_TITLE, "disk full")
                .containsEntry(TimelineHeaders.ATTEMPT, 1).doesNotContainKey(TimelineHeaders.EXTERNAL_REF);
        JsonNode body = GatewayJson.create().readTree((String) declare.get("body"));
        assertThat(body.path("specversion").asText()).isEqualTo("1.0");
        assertThat(body.path("id").asText()).isEqualTo(declare.get(TimelineHeaders.EVENT_ID));
        assertThat(body.path("subject").asText()).isEqualTo("OC-1");
        assertThat(body.path("type").asText()).endsWith("declare");

        ExternalRef ref = new ExternalRefs(dataSource).find("OC-1", CONNECTOR);
        assertThat(ref.externalId()).isEqualTo("T-OC-1");
        assertThat(ref.url()).isEqualTo("https://target.example/T-OC-1");
        assertThat(seen.subList(1, 4)).allSatisfy(h -> assertThat(h).containsEntry(TimelineHeaders.EXTERNAL_REF, "T-OC-1"));
    }

    @Test
    void eachDeliveryCarriesTheStatusRightAfterItsEventNotTheStatusWhenItIsDelivered() {
        // One transaction (as a poller's page): the ack is committed before the declare's first delivery, when the
        // incident is already acknowledged. The notes take the status of the event before them.
        store.appendAll(List.of(
                NewEvent.builder(EventType.DECLARE, "alice").incident("OC-12").title("late").severity(Severity.SEV2).build(),
                NewEvent.builder(EventType.NOTE, "bob").incident("OC-12").content("looking").build(),
                NewEvent.builder(EventType.ACK, "bob").incident("OC-12").build(),
                NewEvent.builder(EventType.NOTE, "bob").incident("OC-12").content("on it").build()));

        await().atMost(Duration.ofSeconds(30)).until(() -> target.exchangesOf("OC-12").size() == 4);
        assertThat(target.exchangesOf("OC-12")).extracting(h -> h.get(TimelineHeaders.INCIDENT_STATUS))
                .containsExactly("declared", "declared", "acknowledged", "acknowledged");
    }

    /** A sev4 incident below the subscription, escalated by a correlated sev1 alert: delivered from the escalation on. */
    @Test
    void anIncidentEscalatedByACorrelatedAlertIsDeliveredFromTheEscalationOn() throws Exception {
        store.append(NewEvent.builder(EventType.DECLARE, "m").incident("OC-20").title("harmless test").severity(Severity.SEV4)
                .correlationKey("alertmanager:oc-20").build());
        store.append(NewEvent.builder(EventType.DECLARE, "alertmanager").title("DBDown").severity(Severity.SEV1)
                .correlationKey("alertmanager:oc-20").source("/webhooks/alertmanager").ceId("oc-20:firing:t1").build());

        OutboxRow row = settled("OC-20", 2);
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(rows("OC-20")).as("the declare stays below minSeverity").hasSize(1);
        assertThat(target.exchangesOf("OC-20")).singleElement().satisfies(h -> assertThat(h)
                .containsEntry(TimelineHeaders.EVENT_TYPE, "state_change").containsEntry(TimelineHeaders.INCIDENT_SEVERITY, "sev1"));
    }

    @Test
    void aRetryAfterHeaderSetInYamlIsHonouredAndHoldsBackTheIncidentsNextEvent() throws Exception {
        Instant before = Instant.now();
        declare("OC-3", "rate limited", Severity.SEV1);
        event("OC-3", EventType.ACK);

        OutboxRow row = settled("OC-3", 1);
        assertThat(row.status()).isEqualTo("pending");
        assertThat(row.attempts()).as("the route scheduled the retry: not a failed attempt").isZero();
        assertThat(row.lastError()).contains("retry after 7");
        assertThat(row.nextAttemptAt()).isAfterOrEqualTo(before.plusSeconds(7));
        assertThat(row.nextAttemptAt()).as("7 s, not the 60 s backoff").isBefore(Instant.now().plusSeconds(30));
        assertThat(target.exchangesOf("OC-3")).as("the ack waits for the declare").hasSize(1);
    }

    @Test
    void aDeadLetterFromYamlStopsTheIncidentAndAReplayDeliversItAgain() throws Exception {
        declare("OC-4", "refused", Severity.SEV3);
        OutboxRow dead = settled("OC-4", 1);
        assertThat(dead.status()).isEqualTo("dead");
        assertThat(dead.lastError()).isEqualTo("refused by the target");

        assertThat(new OutboxStore(dataSource).replay(dead.id(), Instant.now())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> target.exchangesOf("OC-4").size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("OC-4").get(0).status().equals("dead"));
        assertThat(rows("OC-4").get(0).lastError()).as("the target still refuses it").isEqualTo("refused by the target");
    }

    @Test
    void exceptionsFromJavaAreClassifiedOnce() throws Exception {
        target.script("OC-5", new DeliveryRetryException("vendor busy", Duration.ofSeconds(12)));
        target.script("OC-6", new DeliveryDeadException("no such project"));
        target.script("OC-7", httpFailure(429, Map.of("Retry-After", "20")));
        target.script("OC-8", httpFailure(400, Map.of()));
        target.script("OC-9", httpFailure(503, Map.of()));
        target.script("OC-10", new IllegalStateException("socket closed"));
        Instant before = Instant.now();
        for (int i = 5; i <= 10; i++) {
            declare("OC-" + i, "t", Severity.SEV2);
        }

        OutboxRow retry = settled("OC-5", 1);
        assertThat(retry.status()).isEqualTo("pending");
        assertThat(retry.lastError()).isEqualTo("vendor busy");
        assertThat(retry.nextAttemptAt()).isBetween(before.plusSeconds(12), Instant.now().plusSeconds(13));

        assertThat(settled("OC-6", 1)).extracting(OutboxRow::status, OutboxRow::lastError).containsExactly("dead", "no such project");

        OutboxRow limited = settled("OC-7", 1);
        assertThat(limited.status()).isEqualTo("pending");
        assertThat(limited.nextAttemptAt()).isBetween(before.plusSeconds(20), Instant.now().plusSeconds(21));

        OutboxRow refused = settled("OC-8", 1);
        assertThat(refused.status()).isEqualTo("dead");
        assertThat(refused.lastError()).contains("400").contains("Bad Request").contains("field text missing")
                .as("the URL of an incoming webhook is its secret").doesNotContain("s3cr3t");

        OutboxRow unavailable = settled("OC-9", 1);
        assertThat(unavailable.status()).isEqualTo("pending");
        assertThat(unavailable.lastError()).contains("503");

        OutboxRow other = settled("OC-10", 1);
        assertThat(other.status()).isEqualTo("pending");
        assertThat(other.lastError()).contains("socket closed");
        assertThat(other.nextAttemptAt()).as("the outbox's backoff (60 s first, with jitter)").isAfter(before.plusSeconds(25));
    }

    private static HttpOperationFailedException httpFailure(int status, Map<String, String> headers) {
        String text = status == 400 ? "Bad Request" : status == 429 ? "Too Many Requests" : "Service Unavailable";
        return new HttpOperationFailedException("https://chat.example/hooks/s3cr3t", status, text, null, headers,
                "{\"message\":\"field text missing\"}");
    }

    @Test
    void theSubscriptionHoldsFromTheEndpointsCreationSoRowsWaitForARouteNotYetStarted() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timeline:outbox?connector=paused&events=declare").routeId("paused").autoStartup(false).to("mock:paused");
            }
        });
        declare("OC-11", "t", Severity.SEV4);
        List<OutboxRow> waiting = new OutboxStore(dataSource).list("paused", null, 0, 10);
        assertThat(waiting).extracting(OutboxRow::incidentId, OutboxRow::status).containsExactly(org.assertj.core.groups.Tuple.tuple("OC-11", "pending"));

        getMockEndpoint("mock:paused").expectedMessageCount(1);
        context.getRouteController().startRoute("paused");
        getMockEndpoint("mock:paused").assertIsSatisfied(30_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> new OutboxStore(dataSource).list("paused", "delivered", 0, 10).size() == 1);
    }

    @Test
    void badOptionsStopTheRouteNamingThem() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timeline:outbox?connector=other&events=declare,explode").to("log:x");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("'explode' is not an event type");
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timeline:outbox?connector=another&minSeverity=sev9").to("log:x");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("minSeverity must be sev1..sev4");
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timeline:outbox?connector=test-target&events=ack").to("log:x");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("already has a timeline:outbox route");
    }
}
