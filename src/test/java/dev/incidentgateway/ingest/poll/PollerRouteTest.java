package dev.incidentgateway.ingest.poll;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.camel.TimelineComponent;
import dev.incidentgateway.ingest.CloudEventsWebhookMapper;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.testsupport.MutableClock;
import dev.incidentgateway.testsupport.RouteTestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped route {@code routes/inbound/servicenow-poller.camel.yaml} (and, in {@link JiraPollerRouteTest}, the Jira
 * one) with a scripted source of the connector's name: each
 * tick (its timer replaced by {@code direct:tick}) reads page after page and appends each through
 * {@code timeline:append} with its watermark; failures set the poller's health and backoff.
 */
class PollerRouteTest extends CamelTestSupport {
    private final MutableClock clock = new MutableClock(SourcePollerContract.START);
    private final SourcePollerContract.ScriptedSource source = new SourcePollerContract.ScriptedSource(connector());
    private RouteTestStore routeStore;
    private TimelineStore store;
    private SourcePoller poller;

    /** The connector whose shipped route is under test. */
    String connector() {
        return "servicenow";
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        routeStore = new RouteTestStore();
        store = routeStore.store();
        poller = new SourcePoller(source, store, routeStore.dataSource(), SqlDialect.H2, clock, new SimpleMeterRegistry());
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind(TimelineComponent.SCHEME, new TimelineComponent(store, new CloudEventsWebhookMapper(GatewayJson.create())));
        context.getRegistry().bind(SourcePollers.BEAN, new SourcePollers(List.of(poller)));
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveResource(context, "file:routes/inbound/" + connector() + "-poller.camel.yaml"));
        return context;
    }

    @BeforeEach
    void tickOnDemand() throws Exception {
        AdviceWith.adviceWith(context, "poll-" + connector(), route -> route.replaceFromWith("direct:tick"));
        context.start();
    }

    @AfterEach
    void closeStore() {
        poller.close();
        routeStore.close();
    }

    private NewEvent declare(String id) {
        return NewEvent.builder(EventType.DECLARE, "itsm").incident(id).title("From ITSM").source("/connectors/" + connector())
                .ceId(id + ":1").build();
    }

    private void tick() {
        template.sendBody("direct:tick", null);
    }

    @Test
    void aTickAppendsPageAfterPageEachWithItsWatermarkUnderThePollersPrincipal() {
        source.script.add(new PollPage(List.of(declare("PR-1"), declare("PR-2")), "w1", true));
        source.script.add(new PollPage(List.of(declare("PR-3")), "w2", false));
        tick();
        assertThat(source.askedWith).containsExactly(null, "w1");
        assertThat(store.watermark(connector())).contains("w2");
        assertThat(store.timeline("PR-3", null, 10)).extracting(TimelineEvent::principal).containsExactly("poller:" + connector());
        assertThat(poller.status()).isEqualTo(SourcePoller.Status.UP);

        tick(); // not due before the interval
        assertThat(source.askedWith).hasSize(2);
        clock.advance(Duration.ofSeconds(61));
        tick();
        assertThat(source.askedWith).containsExactly(null, "w1", "w2");
    }

    @Test
    void aTransientFailureKeepsTheCommittedPagesAndBacksOffHonouringRetryAfter() {
        source.script.add(new PollPage(List.of(declare("PR-4")), "w1", true));
        source.script.add(new PollFailure(PollFailure.Kind.TRANSIENT, "HTTP 429", Duration.ofSeconds(300)));
        source.script.add(new PollPage(List.of(declare("PR-5")), "w2", false));
        tick();
        assertThat(poller.status()).isEqualTo(SourcePoller.Status.BACKING_OFF);
        assertThat(store.incident("PR-4")).isPresent();
        assertThat(store.watermark(connector())).contains("w1");

        clock.advance(Duration.ofSeconds(299));
        tick();
        assertThat(source.askedWith).hasSize(2);
        clock.advance(Duration.ofSeconds(2));
        tick();
        assertThat(source.askedWith).containsExactly(null, "w1", "w1");
        assertThat(store.watermark(connector())).contains("w2");
        assertThat(poller.status()).isEqualTo(SourcePoller.Status.UP);
    }

    @Test
    void refusedCredentialsStopThePollerAndReportDown() {
        source.script.add(new PollFailure(PollFailure.Kind.AUTH, "HTTP 401: User Not Authenticated", null));
        tick();
        assertThat(poller.status()).isEqualTo(SourcePoller.Status.DOWN);
        assertThat(poller.detail()).contains("401");
        clock.advance(Duration.ofSeconds(3600));
        tick();
        assertThat(source.askedWith).hasSize(1);
    }
}
