package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.PathNotFoundException;
import dev.incidentgateway.timeline.StoreUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.ExpressionEvaluationException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.jsonpath.JsonPathExpression;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class RouteInputFailuresTest {
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void aParseErrorOfTheBodyUnderCamelsWrappersIsTheSendersMalformedJson() throws Exception {
        Exception parse = parseError();
        Throwable wrapped = new ExpressionEvaluationException(null, exchange, new com.jayway.jsonpath.InvalidJsonException(parse));
        assertThat(RouteInputFailures.classify(wrapped, exchange)).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.field()).isEqualTo("body");
            assertThat(p.getMessage()).startsWith("The body is not valid JSON").contains("line 1");
        });
    }

    @Test
    void aFieldAJsonpathReadsMissingFromTheBodyIsTheSenders400NamingThePath() {
        JsonPathExpression jsonpath = new JsonPathExpression("$.alert.name");
        jsonpath.init(exchange.getContext());
        exchange.getMessage().setBody("{\"alert\":null}");
        Throwable missing = catchThrowable(() -> jsonpath.evaluate(exchange));
        assertThat(missing).hasRootCauseInstanceOf(PathNotFoundException.class);
        assertThat(RouteInputFailures.classify(new RuntimeCamelException(missing), exchange)).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.field()).isEqualTo("$.alert.name");
            assertThat(p.getMessage()).startsWith("The body has no value at $.alert.name").doesNotContain("JsonProvider");
        });
    }

    @Test
    void aPathNotFoundOutsideAJsonpathExpressionIsLeftAsItIs() {
        Throwable bean = new RuntimeCamelException(new PathNotFoundException("No results for path: $['x']"));
        assertThat(RouteInputFailures.classify(bean, exchange)).isSameAs(bean);
    }

    @Test
    void aBodyOfAnotherTypeThanTheStepNeedsIsTheSenders400() {
        Throwable payload = new InvalidPayloadException(exchange, Map.class);
        assertThat(RouteInputFailures.classify(payload, exchange)).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.getMessage()).contains("Map"));
        Throwable conversion = new RuntimeCamelException(new NoTypeConversionAvailableException(new byte[] {1}, Integer.class));
        assertThat(RouteInputFailures.classify(conversion, exchange)).isInstanceOf(ApiProblem.class);
    }

    @Test
    void aConversionOfWhatTheRouteMadeStaysTheGatewaysFault() {
        Throwable conversion = new NoTypeConversionAvailableException(new Object(), Integer.class);
        assertThat(RouteInputFailures.classify(conversion, exchange)).isSameAs(conversion);
    }

    @Test
    void aTargetsAnswerThatDoesNotParseIsNotTheSendersFault() throws Exception {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200); // an http: call answered
        Throwable wrapped = new ExpressionEvaluationException(null, exchange, new com.jayway.jsonpath.InvalidJsonException(parseError()));
        assertThat(RouteInputFailures.classify(wrapped, exchange)).isSameAs(wrapped);
    }

    @Test
    void serverFaultsAreLeftAsTheyAre() {
        Throwable down = new ConnectException("Connection refused");
        Throwable store = new RuntimeCamelException(new StoreUnavailableException("down", null));
        assertThat(RouteInputFailures.classify(down, exchange)).isSameAs(down);
        assertThat(RouteInputFailures.classify(store, exchange)).isSameAs(store);
    }

    private static Exception parseError() {
        try {
            new ObjectMapper().readTree("{\"a\": tru");
            throw new AssertionError("parsed");
        } catch (Exception e) {
            return e;
        }
    }
}
