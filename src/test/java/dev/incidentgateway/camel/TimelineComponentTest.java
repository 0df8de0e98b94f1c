package dev.incidentgateway.camel;

import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.testsupport.RouteTestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.InvalidEventException;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import dev.incidentgateway.timeline.TransitionRefusedException;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code timeline:append} producer, from a YAML route and from Java routes, against a real H2 store. */
class TimelineComponentTest extends CamelTestSupport {
    private static final String DECLARE = """
            {"specversion":"1.0","id":"ce-1","source":"urn:monitor","type":"dev.incidentgateway.incident.declare",
             "subject":"TC-1","data":{"title":"Disk full","severity":"sev2"}}""";

    private RouteTestStore routeStore;
    private TimelineStore store;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        routeStore = new RouteTestStore();
        store = routeStore.store();
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(GatewayJson.create())));
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveResource(context, "classpath:routes-test/timeline-append.camel.yaml"));
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:exporter").routeId("exporter").to("timeline:append?principal=system:exporter");
                from("direct:guarded").routeId("guarded")
                        .onException(TransitionRefusedException.class).handled(true).setBody(constant("refused")).end()
                        .to("timeline:append");
            }
        };
    }

    @AfterEach
    void closeStore() {
        routeStore.close();
    }

    @Test
    void aCloudEventsJsonBodyIsStoredOnceAndTheReplyHeadersSayWhatHappened() {
        Exchange first = template.request("direct:cloudevent", e -> e.getMessage().setBody(DECLARE.getBytes(StandardCharsets.UTF_8)));
        assertThat(first.getException()).isNull();
        String id = first.getMessage().getHeader(TimelineAppendProducer.EVENT_ID, String.class);
        assertThat(first.getMessage().getHeader(TimelineAppendProducer.INCIDENT_ID)).isEqualTo("TC-1");
        assertThat(first.getMessage().getHeader(TimelineAppendProducer.EVENT_SEQ)).isEqualTo(1L);
        assertThat(first.getMessage().getHeader(TimelineAppendProducer.DUPLICATE)).isEqualTo(false);

        Exchange again = template.request("direct:cloudevent", e -> e.getMessage().setBody(DECLARE));
        assertThat(again.getMessage().getHeader(TimelineAppendProducer.DUPLICATE)).isEqualTo(true);
        assertThat(again.getMessage().getHeader(TimelineAppendProducer.EVENT_ID)).isEqualTo(id);

        List<TimelineEvent> timeline = store.timeline("TC-1", null, 10);
        assertThat(timeline).hasSize(1);
        assertThat(timeline.get(0).id()).isEqualTo(id);
        assertThat(timeline.get(0).title()).isEqualTo("Disk full");
        assertThat(timeline.get(0).principal()).as("a route without a caller").isEqualTo("system:route:cloudevent-to-timeline");
    }

    @Test
    void anSdkCloudEventAndTheGatewaysOwnEventAreAppendedInOrderUnderTheEndpointsPrincipal() {
        template.sendBody("direct:cloudevent", DECLARE);
        TimelineEvent ack = template.requestBody("direct:exporter", CloudEventBuilder.v1().withId("ce-2")
                .withSource(URI.create("urn:monitor")).withType("dev.incidentgateway.incident.ack").withSubject("TC-1")
                .withData("application/json", "{\"actor\":\"bob\"}".getBytes(StandardCharsets.UTF_8)).build(), TimelineEvent.class);
        assertThat(ack.seq()).isEqualTo(2);
        assertThat(ack.type()).isEqualTo(EventType.ACK);
        assertThat(ack.actor()).isEqualTo("bob");
        assertThat(ack.principal()).isEqualTo("system:exporter");

        TimelineEvent note = template.requestBody("direct:exporter",
                NewEvent.builder(EventType.NOTE, "carol").incident("TC-1").content("freed 20 GB").build(), TimelineEvent.class);
        assertThat(note.seq()).isEqualTo(3);
        assertThat(store.timeline("TC-1", null, 10)).extracting(TimelineEvent::type)
                .containsExactly(EventType.DECLARE, EventType.ACK, EventType.NOTE);
    }

    @Test
    void refusalsAreTypedExceptionsARouteCanHandle() {
        template.sendBody("direct:cloudevent", DECLARE);
        template.sendBody("direct:exporter", NewEvent.builder(EventType.RESOLVE, "a").incident("TC-1").build());
        template.sendBody("direct:exporter", NewEvent.builder(EventType.CLOSE, "a").incident("TC-1").build());
        // A closed incident takes no ack: the guarded route's onException turns the refusal into its own answer.
        assertThat(template.requestBody("direct:guarded", NewEvent.builder(EventType.ACK, "a").incident("TC-1").build(), String.class))
                .isEqualTo("refused");
        assertThatThrownBy(() -> template.requestBody("direct:exporter", 42))
                .isInstanceOf(CamelExecutionException.class).cause().isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).field()).isEqualTo("body"));
        assertThat(store.timeline("TC-1", null, 10)).hasSize(3);
    }

    @Test
    void aRouteCannotClaimAnythingButASystemPrincipalOrAnEndpointThatDoesNotExist() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:forged").to("timeline:append?principal=key:alice");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("must start with system:");
        for (String nameless : new String[]{"system:", "system:%20exporter"}) {
            assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:nameless").to("timeline:append?principal=" + nameless);
                }
            })).as(nameless).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("must be system:NAME");
        }
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:nowhere").to("timeline:outbox-typo");
            }
        })).isInstanceOf(FailedToCreateRouteException.class).hasStackTraceContaining("it has: timeline:append");
    }

    @Test
    void correlationKeyAndIdempotencyIdMayComeFromHeaders() {
        NewEvent declare = NewEvent.builder(EventType.DECLARE, "monitor").title("CPU hot").severity(dev.incidentgateway.timeline.Severity.SEV2).source("urn:monitor").build();
        Exchange first = template.request("direct:exporter", e -> {
            e.getMessage().setBody(declare);
            e.getMessage().setHeader(TimelineHeaders.CORRELATION_KEY, "cpu:host-1");
            e.getMessage().setHeader(TimelineHeaders.IDEMPOTENCY_KEY, "alert-77");
        });
        assertThat(first.getException()).isNull();
        String incident = first.getMessage().getHeader(TimelineHeaders.INCIDENT_ID, String.class);

        // The same idempotency id again: the original is answered, nothing new is stored.
        Exchange repeat = template.request("direct:exporter", e -> {
            e.getMessage().setBody(declare);
            e.getMessage().setHeader(TimelineHeaders.IDEMPOTENCY_KEY, "alert-77");
        });
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.DUPLICATE)).isEqualTo(true);
        assertThat(repeat.getMessage().getHeader(TimelineHeaders.EVENT_ID)).isEqualTo(first.getMessage().getHeader(TimelineHeaders.EVENT_ID));

        // A resolve with no incident id finds the incident by the header's correlation key.
        NewEvent resolve = NewEvent.builder(EventType.RESOLVE, "monitor").correlationKey("placeholder").source("urn:monitor").build();
        Exchange resolved = template.request("direct:exporter", e -> {
            e.getMessage().setBody(resolve);
            e.getMessage().setHeader(TimelineHeaders.CORRELATION_KEY, "cpu:host-1");
        });
        assertThat(resolved.getException()).isNull();
        assertThat(resolved.getMessage().getHeader(TimelineHeaders.INCIDENT_ID)).isEqualTo(incident);
        assertThat(store.timeline(incident, null, 10)).extracting(TimelineEvent::type).containsExactly(EventType.DECLARE, EventType.RESOLVE);
    }
}
