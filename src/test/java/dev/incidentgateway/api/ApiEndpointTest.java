package dev.incidentgateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Content-Length reading shared by the HTTP edge (413 before the body is read) and the API's body check. */
class ApiEndpointTest {

    @Test
    void aDeclaredLengthIsItsNumberOrMinusOneWhenThereIsNoNumber() {
        assertEquals(1024, ApiEndpoint.declaredLength("1024"));
        assertEquals(7, ApiEndpoint.declaredLength(" 7 "));
        assertEquals(-1, ApiEndpoint.declaredLength(null));
        assertEquals(-1, ApiEndpoint.declaredLength(""));
        assertEquals(-1, ApiEndpoint.declaredLength("-5"));
        assertEquals(-1, ApiEndpoint.declaredLength("12abc"));
    }

    @Test
    void aLengthBeyondALongIsTooLargeNotUnknown() {
        assertEquals(Long.MAX_VALUE, ApiEndpoint.declaredLength("9999999999999999999"));
        assertEquals(Long.MAX_VALUE, ApiEndpoint.declaredLength("123456789012345678901234567890"));
    }

    /** A request that runs out of heap gets problem+json like any failure, not platform-http's plain-text 500. */
    @Test
    void anOutOfMemoryErrorOfARequestIsAnsweredAsProblemJson() throws Exception {
        try (org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
            exchange.getMessage().setHeader(org.apache.camel.Exchange.HTTP_PATH, "/api/v1/incidents/INC-1/timeline");
            new ApiEndpoint.Settings(new ProblemMapper(new com.fasterxml.jackson.databind.ObjectMapper()), 1024)
                    .read(request -> {
                        throw new OutOfMemoryError("Java heap space");
                    })
                    .process(exchange);
            assertEquals(500, exchange.getMessage().getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE));
            assertEquals(ProblemMapper.CONTENT_TYPE, exchange.getMessage().getHeader(org.apache.camel.Exchange.CONTENT_TYPE));
            String body = new String(exchange.getMessage().getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(body.contains("urn:incident-gateway:problem:internal-error"), body);
        }
    }
}
