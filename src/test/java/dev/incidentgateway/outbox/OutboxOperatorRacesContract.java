package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ProblemMapper;
import dev.incidentgateway.timeline.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator's skip or replay racing a delivery in flight, on each kind of store (H2 and PostgreSQL subclasses), with a
 * sink the test holds: a skip of a row being delivered is refused (409 through the API's handler), a skip that won is
 * not overwritten, an outcome is not recorded for a claim taken over, replay changes only dead or skipped rows.
 */
abstract class OutboxOperatorRacesContract extends OutboxFaultsHarness {
    /** The operator's skip through the API's handler, as an HTTP request would reach it. */
    Exchange skipThroughApi(long id) {
        ObjectMapper json = GatewayJson.create();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OutboxApi api = new OutboxApi(outbox, json, new ApiEndpoint.Settings(new ProblemMapper(json), 1024), clock, () -> { });
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/api/v1/outbox/" + id + "/skip");
        new ApiEndpoint.Settings(new ProblemMapper(json), 1024).read(req -> api.change(req, false)).process(exchange);
        return exchange;
    }

    @Test
    void skipOfARowBeingDeliveredIsRefusedAsInFlightAndTheDeliveryIsRecorded() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("F-1");
        sink.gated.add("F-1");
        assertThat(relay.pass()).isEqualTo(1);
        assertThat(sink.entered("F-1").await(30, TimeUnit.SECONDS)).isTrue();
        long id = onlyRow("F-1").id();

        assertThat(outbox.skip(id, clock.instant())).isFalse();
        Exchange reply = skipThroughApi(id);
        assertThat(reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(409);
        assertThat(reply.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).startsWith("application/problem+json");
        JsonNode problem = GatewayJson.create().readTree(reply.getMessage().getBody(byte[].class));
        assertThat(problem.path("detail").asText()).contains("being delivered");
        assertThat(onlyRow("F-1").status()).isEqualTo("pending");

        sink.releaseAll();
        relay.awaitIdle();
        OutboxRow row = onlyRow("F-1");
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(sink.delivered.get("F-1")).containsExactly("declare");
    }

    @Test
    void aSkipThatWonIsNotOverwrittenByTheDeliveryOutcome() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("W-1");
        append("W-1", EventType.NOTE);
        sink.gated.add("W-1");
        relay.pass();
        assertThat(sink.entered("W-1").await(30, TimeUnit.SECONDS)).isTrue();
        long id = onlyRow("W-1").id();
        // The delivery outlived its lease (a process that stalled): the claim is stale and the operator may skip.
        clock.set(T0.plus(LEASE).plusSeconds(1));
        assertThat(outbox.skip(id, clock.instant())).isTrue();

        sink.releaseAll();
        relay.awaitIdle();
        OutboxRow row = outbox.row(id).orElseThrow();
        assertThat(row.status()).isEqualTo("skipped");
        assertThat(row.attempts()).isZero();
        assertThat(row.deliveredAt()).isNull();
    }

    @Test
    void anOutcomeIsNotRecordedForAClaimThatWasTakenOver() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("C-1");
        Instant lease = T0.plus(LEASE);
        List<OutboxItem> first = outbox.claimDue("gated", 1, T0, lease);
        // The first claimant stalls past its lease; another claims the row again.
        List<OutboxItem> second = outbox.claimDue("gated", 1, lease.plusSeconds(1), lease.plus(LEASE));
        assertThat(first).hasSize(1);
        assertThat(second).hasSize(1);
        assertThat(outbox.failed(first.get(0), "HTTP 500", lease, true, true)).isFalse();
        assertThat(outbox.delivered(second.get(0), null, lease.plusSeconds(2))).isTrue();
        assertThat(outbox.delivered(first.get(0), null, lease.plusSeconds(3))).isFalse();
        OutboxRow row = onlyRow("C-1");
        assertThat(row.status()).isEqualTo("delivered");
        assertThat(row.attempts()).isEqualTo(1);
    }

    @Test
    void replayChangesOnlyDeadOrSkippedRows() throws Exception {
        relay(2, Duration.ofSeconds(300), Duration.ofSeconds(30));
        declare("P-1");
        long id = onlyRow("P-1").id();
        assertThat(outbox.replay(id, T0)).as("pending").isFalse();
        sink.gated.add("P-1");
        relay.pass();
        assertThat(sink.entered("P-1").await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.replay(id, T0)).as("in flight").isFalse();
        sink.releaseAll();
        relay.awaitIdle();
        assertThat(outbox.replay(id, T0)).as("delivered").isFalse();
        assertThat(onlyRow("P-1").status()).isEqualTo("delivered");

        declare("P-2");
        sink.next = new DeliveryResult.Dead("HTTP 400");
        relay.pass();
        relay.awaitIdle();
        long dead = onlyRow("P-2").id();
        assertThat(onlyRow("P-2").status()).isEqualTo("dead");
        assertThat(outbox.replay(dead, T0)).isTrue();
        assertThat(onlyRow("P-2").status()).isEqualTo("pending");
    }

}
