package dev.incidentgateway.camel;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentNotFoundException;
import dev.incidentgateway.timeline.InvalidEventException;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.SourcePage;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code timeline:append} with a batch body (a webhook request's events: all or nothing) and a page body (a poller's
 * events with its watermark: one transaction), against a real H2 store.
 */
class TimelineAppendBodiesTest extends CamelTestSupport {
    /** A title that makes the append transaction fail inside, after the events and the watermark were written. */
    private static final String POISON = "poison";

    private TestStore testStore;
    private HikariDataSource dataSource;
    private TimelineStore store;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        testStore = TestStore.create(TestStore.Kind.H2);
        dataSource = StoreFactory.openAndMigrate(testStore.config());
        AppendListener poison = new AppendListener() {
            @Override
            public void inTransaction(Connection connection, List<TimelineEvent> events, Map<String, Incident> views,
                                      Map<String, IncidentStatus> statusAfter) throws SQLException {
                if (events.stream().anyMatch(e -> POISON.equals(e.title()))) {
                    throw new SQLException("poisoned for the test", "40001");
                }
            }
        };
        store = new TimelineStore(dataSource, SqlDialect.H2, "dev.incidentgateway", 16, 100, new SimpleMeterRegistry(),
                testStore.chainKey(), List.of(poison));
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(GatewayJson.create())));
        RouteBuilder.addRoutes(context, routes -> {
            routes.from("direct:append").routeId("bodies").to("timeline:append");
            // As the webhook route's authenticate step does: the route, not the body, says who the events are from.
            routes.from("direct:webhook").routeId("webhook-like")
                    .process(e -> e.setProperty(ApiRequest.PRINCIPAL_PROPERTY, Principal.webhook("alerts")))
                    .to("timeline:append");
        });
        return context;
    }

    @AfterEach
    void closeStore() {
        store.close();
        dataSource.close();
        testStore.close();
    }

    private static NewEvent declare(String id, String title) {
        return NewEvent.builder(EventType.DECLARE, "monitor").incident(id).title(title).ceSource("urn:test").ceId(id + ":" + title).build();
    }

    private static NewEvent ack(String id) {
        return NewEvent.builder(EventType.ACK, "bob").incident(id).ceSource("urn:test").ceId(id + ":ack").build();
    }

    @Test
    void aBatchIsAppendedInOneGoUnderTheRoutesPrincipalAndTheOutcomesAreTheReplyBody() {
        Exchange reply = template.request("direct:webhook", e -> e.getMessage().setBody(List.of(declare("TB-1", "Disk full"), ack("TB-1"))));
        assertThat(reply.getException()).isNull();
        List<?> outcomes = reply.getMessage().getBody(List.class);
        assertThat(outcomes).extracting(o -> ((AppendOutcome) o).kind()).containsExactly(AppendOutcome.Kind.APPENDED, AppendOutcome.Kind.APPENDED);
        assertThat(store.timeline("TB-1", null, 10)).extracting(TimelineEvent::type).containsExactly(EventType.DECLARE, EventType.ACK);
        assertThat(store.timeline("TB-1", null, 10)).extracting(TimelineEvent::principal)
                .as("the route's principal, whatever the events said").containsOnly("webhook:alerts");

        Exchange again = template.request("direct:webhook", e -> e.getMessage().setBody(List.of(declare("TB-1", "Disk full"))));
        assertThat(again.getMessage().getBody(List.class)).extracting(o -> ((AppendOutcome) o).kind()).containsExactly(AppendOutcome.Kind.DUPLICATE);
    }

    @Test
    void oneEventThatStoresNothingAnswersItsOutcomeWithAnEmptyBody() {
        String key = "disk:host-" + System.nanoTime();
        String first = """
                {"specversion":"1.0","id":"a1-%1$s","source":"urn:alerts","type":"x.incident.declare",
                 "data":{"title":"Disk full","actor":"monitor","correlationKey":"%1$s"}}""".formatted(key);
        Exchange declared = template.request("direct:append", e -> e.getMessage().setBody(first));
        assertThat(declared.getException()).isNull();
        assertThat(declared.getMessage().getHeader(TimelineHeaders.OUTCOME)).isEqualTo("appended");
        String incident = declared.getMessage().getHeader(TimelineHeaders.INCIDENT_ID, String.class);

        Exchange repeat = template.request("direct:append", e -> e.getMessage().setBody(first.replace("a1-", "a2-")));
        assertThat(repeat.getException()).as("an alert already open is absorbed, not an error").isNull();
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.OUTCOME)).isEqualTo("correlated");
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.INCIDENT_ID)).isEqualTo(incident);
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.EVENT_ID)).isNull();
        assertThat(repeat.getMessage().getBody(AppendOutcome.class).kind()).isEqualTo(AppendOutcome.Kind.CORRELATED);
        assertThat(repeat.getMessage().getBody(String.class)).as("as JSON, for an HTTP route's answer")
                .isEqualTo("{\"outcome\":\"correlated\",\"incidentId\":\"" + incident + "\"}");

        Exchange unknown = template.request("direct:append", e -> e.getMessage().setBody("""
                {"specversion":"1.0","id":"r-%1$s","source":"urn:alerts","type":"x.incident.resolve",
                 "data":{"actor":"monitor","correlationKey":"no-such-%1$s"}}""".formatted(key)));
        assertThat(unknown.getException()).isNull();
        assertThat(unknown.getMessage().getHeader(TimelineHeaders.OUTCOME)).isEqualTo("ignored");
        assertThat(unknown.getMessage().getHeader(TimelineHeaders.INCIDENT_ID)).isNull();

        // The route's key (header) finds the incident of a CloudEvent that has neither subject nor data.correlationKey.
        Exchange resolved = template.request("direct:append", e -> {
            e.getMessage().setBody("""
                    {"specversion":"1.0","id":"r2-%s","source":"urn:alerts","type":"x.incident.resolve","data":{"actor":"monitor"}}"""
                    .formatted(key));
            e.getMessage().setHeader(TimelineHeaders.CORRELATION_KEY, key);
        });
        assertThat(resolved.getException()).isNull();
        assertThat(resolved.getMessage().getHeader(TimelineHeaders.OUTCOME)).isEqualTo("appended");
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    /** A repeat more severe than its incident is still correlated; the outcome names the escalation it stored. */
    @Test
    void aMoreSevereRepeatIsCorrelatedAndItsOutcomeCarriesTheEscalation() throws Exception {
        String key = "db:host-" + System.nanoTime();
        String first = """
                {"specversion":"1.0","id":"a1-%1$s","source":"urn:alerts","type":"x.incident.declare",
                 "data":{"title":"DB slow","actor":"monitor","severity":"sev4","correlationKey":"%1$s"}}""".formatted(key);
        String incident = template.request("direct:append", e -> e.getMessage().setBody(first)).getMessage()
                .getHeader(TimelineHeaders.INCIDENT_ID, String.class);

        Exchange repeat = template.request("direct:append", e -> e.getMessage().setBody(first.replace("a1-", "a2-")
                .replace("\"sev4\"", "\"sev1\"")));
        assertThat(repeat.getException()).isNull();
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.OUTCOME)).isEqualTo("correlated");
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.INCIDENT_ID)).isEqualTo(incident);
        AppendOutcome outcome = repeat.getMessage().getBody(AppendOutcome.class);
        assertThat(outcome.event().type()).isEqualTo(EventType.STATE_CHANGE);
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.EVENT_ID)).isEqualTo(outcome.event().id());
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.EVENT_SEQ)).isEqualTo(2L);
        com.fasterxml.jackson.databind.JsonNode json = GatewayJson.create().readTree(repeat.getMessage().getBody(String.class));
        assertThat(json.path("outcome").asText()).isEqualTo("correlated");
        assertThat(json.path("event").path("id").asText()).isEqualTo(outcome.event().id());
        assertThat(json.path("event").path("data").path("severity").asText()).isEqualTo("sev1");
        assertThat(store.incident(incident).orElseThrow().severity()).isEqualTo(dev.incidentgateway.timeline.Severity.SEV1);
    }

    @Test
    void oneRefusedEventInABatchStoresNothingOfIt() {
        Exchange reply = template.request("direct:append", e -> e.getMessage().setBody(List.of(declare("TB-2", "Latency"), ack("TB-404"))));
        assertThat(reply.getException()).isInstanceOf(IncidentNotFoundException.class);
        assertThat(store.incident("TB-2")).as("the valid event of the refused batch").isEmpty();
    }

    /** {@code curl -d '<CloudEvent JSON>'} sends a form; platform-http hands the route the parsed Map. */
    @Test
    void aFormBodyIsRefusedSayingToSendTheJsonAsApplicationJson() {
        Exchange reply = template.request("direct:append", e -> {
            e.getMessage().setBody(new java.util.HashMap<>(Map.of("{\"specversion\":\"1.0\"}", "")));
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
        });
        assertThat(reply.getException()).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("got a form (Content-Type application/x-www-form-urlencoded")
                .hasMessageContaining("send the JSON with Content-Type: application/json");
        assertThat(((InvalidEventException) reply.getException()).field()).isEqualTo("body");
    }

    @Test
    void anEmptyBatchAppendsNothingAndAnswersNoOutcomes() {
        assertThat(template.requestBody("direct:append", List.of(), List.class)).isEmpty();
    }

    @Test
    void aPageCommitsItsWatermarkWithItsEventsAndSkipsWhatTheStateMachineRefuses() {
        SourcePage page = new SourcePage(List.of(declare("TP-1", "From ITSM"), ack("TP-404")), new SourceProgress("itsm", "w1"));
        List<?> outcomes = template.requestBody("direct:append", page, List.class);
        assertThat(outcomes).extracting(o -> ((AppendOutcome) o).kind()).containsExactly(AppendOutcome.Kind.APPENDED, AppendOutcome.Kind.REFUSED);
        assertThat(store.incident("TP-1")).isPresent();
        assertThat(store.watermark("itsm")).contains("w1");

        assertThat(template.requestBody("direct:append", new SourcePage(List.of(), new SourceProgress("itsm", "w2")), List.class))
                .as("a page with no events still moves the watermark").isEmpty();
        assertThat(store.watermark("itsm")).contains("w2");
    }

    @Test
    void aPageWhoseTransactionFailsCommitsNeitherItsEventsNorItsWatermark() {
        template.requestBody("direct:append", new SourcePage(List.of(declare("TP-2", "First")), new SourceProgress("itsm", "w1")));
        SourcePage failing = new SourcePage(List.of(declare("TP-3", "Second"), declare("TP-4", POISON)), new SourceProgress("itsm", "w2"));
        Exchange reply = template.request("direct:append", e -> e.getMessage().setBody(failing));
        assertThat(reply.getException()).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.watermark("itsm")).as("the watermark stays with the last committed page").contains("w1");
        assertThat(store.incident("TP-3")).isEmpty();
        assertThat(store.incident("TP-4")).isEmpty();
    }
}
