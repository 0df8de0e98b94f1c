package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.timeline.IncidentNotFoundException;
import dev.incidentgateway.timeline.StoreUnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asynchronous endpoint of appends: the exchange is answered when the handler's future completes (the route's
 * callback is called then, not before), failures of the future and of the handler become the same problem+json as
 * {@link ApiEndpoint}'s, and the body checks run before the handler.
 */
class AsyncApiEndpointTest {
    private final CamelContext camel = new DefaultCamelContext();
    private final ApiEndpoint.Settings settings = new ApiEndpoint.Settings(new ProblemMapper(new ObjectMapper()), 64);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void theAnswerIsWrittenWhenTheFutureCompletesAndTheCallbackIsCalledThen() {
        CompletableFuture<ApiResponse> commit = new CompletableFuture<>();
        Exchange exchange = jsonRequest("{\"type\":\"note\"}");
        AtomicReference<Boolean> done = new AtomicReference<>();

        boolean sync = settings.jsonBodyAsync((request, blocking) -> commit).process(exchange, done::set);

        assertThat(sync).as("the worker is let go before the commit").isFalse();
        assertThat(done.get()).as("not answered before the commit").isNull();
        commit.complete(ApiResponse.json(201, "{\"id\":\"01\"}".getBytes(StandardCharsets.UTF_8)).withHeader("Location", "/x"));
        assertThat(done.get()).isFalse();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(201);
        assertThat(exchange.getMessage().getHeader("Location")).isEqualTo("/x");
        assertThat(body(exchange)).isEqualTo("{\"id\":\"01\"}");
    }

    @Test
    void aFailedFutureIsAnsweredAsTheProblemOfItsCause() {
        CompletableFuture<ApiResponse> commit = new CompletableFuture<>();
        Exchange exchange = jsonRequest("{}");
        AtomicReference<Boolean> done = new AtomicReference<>();
        settings.jsonBodyAsync((request, blocking) -> commit.thenApply(r -> r)).process(exchange, done::set);

        commit.completeExceptionally(new StoreUnavailableException("the store is down", null));

        assertThat(done.get()).isFalse();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(exchange.getMessage().getHeader("Retry-After")).isEqualTo("5");
        assertThat(body(exchange)).contains("store-unavailable");
    }

    @Test
    void aFutureAlreadyFailedOrAHandlerThatThrowsIsAnsweredAtOnce() {
        Exchange failed = jsonRequest("{}");
        AtomicReference<Boolean> done = new AtomicReference<>();
        boolean sync = settings.jsonBodyAsync((request, blocking) -> CompletableFuture.failedFuture(
                new CompletionException(new IncidentNotFoundException("NOPE-1")))).process(failed, done::set);
        assertThat(sync).isTrue();
        assertThat(done.get()).isTrue();
        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);

        Exchange thrown = jsonRequest("{}");
        settings.jsonBodyAsync((request, blocking) -> {
            throw new ApiProblem(400, "invalid-field", "Invalid field", "type is required", "type", java.util.Map.of());
        }).process(thrown, done::set);
        assertThat(thrown.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(body(thrown)).contains("\"field\":\"type\"");
    }

    @Test
    void theBodyIsCheckedBeforeTheHandlerRuns() {
        AtomicReference<Boolean> called = new AtomicReference<>(false);
        AsyncApiEndpoint endpoint = settings.jsonBodyAsync((request, blocking) -> {
            called.set(true);
            return new CompletableFuture<>();
        });
        Exchange tooLarge = jsonRequest("{\"content\":\"" + "x".repeat(100) + "\"}");
        endpoint.process(tooLarge, doneSync -> { });
        assertThat(tooLarge.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(413);

        Exchange notJson = jsonRequest("{}");
        notJson.getMessage().setHeader("Content-Type", "text/plain");
        endpoint.process(notJson, doneSync -> { });
        assertThat(notJson.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(415);
        assertThat(called.get()).as("the handler never ran: nothing was queued").isFalse();
    }

    private Exchange jsonRequest(String json) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/api/v1/incidents/INC-1/events");
        exchange.getMessage().setHeader("Content-Type", "application/json");
        exchange.getMessage().setBody(json.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private static String body(Exchange exchange) {
        return new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
    }
}
