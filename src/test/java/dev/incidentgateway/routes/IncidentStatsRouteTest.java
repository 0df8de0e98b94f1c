package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.RouteTestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineStore;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped YAML route {@code routes/incident-stats.camel.yaml} (camel-jdbc over the store's DataSource),
 * tested with camel-test-junit5: its HTTP consumer is swapped for {@code direct:} so only the route's own
 * steps run.
 */
class IncidentStatsRouteTest extends CamelTestSupport {
    private RouteTestStore routeStore;
    private TimelineStore store;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        routeStore = new RouteTestStore();
        store = routeStore.store();
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind(Gateway.DATA_SOURCE_BEAN, routeStore.dataSource());
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveResource(context, "file:routes/incident-stats.camel.yaml"));
        return context;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @AfterEach
    void closeStore() {
        routeStore.close();
    }

    @Test
    void countsIncidentsByStatusFromTheView() throws Exception {
        AdviceWith.adviceWith(context, "incident-stats", a -> a.replaceFromWith("direct:stats"));
        context.start();
        store.append(NewEvent.builder(EventType.DECLARE, "a").incident("S-1").title("one").build());
        store.append(NewEvent.builder(EventType.DECLARE, "a").incident("S-2").title("two").build());
        store.append(NewEvent.builder(EventType.DECLARE, "a").incident("S-3").title("three").build());
        store.append(NewEvent.builder(EventType.ACK, "a").incident("S-3").build());

        String body = template.requestBodyAndHeader("direct:stats", null, "X-Probe", "caller-header", String.class);
        JsonNode rows = new ObjectMapper().readTree(body);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("status").asText()).isEqualTo("acknowledged");
        assertThat(rows.get(0).path("count").asInt()).isEqualTo(1);
        assertThat(rows.get(1).path("status").asText()).isEqualTo("declared");
        assertThat(rows.get(1).path("count").asInt()).isEqualTo(2);

        Map<String, Object> headers = template.request("direct:stats", e -> e.getMessage().setHeader("X-Probe", "x"))
                .getMessage().getHeaders();
        assertThat(headers).doesNotContainKey("X-Probe").containsEntry("Content-Type", "application/json");
    }
}
